"""Errors that services raise and views turn into messages for the user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.contrib import messages

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.http import HttpRequest


class ServiceError(Exception):
    """A rule of the school's policy or of the data refused the change. The message is for the user."""


class InvalidTransition(ServiceError):
    """The record is no longer in the state the action needs (someone else changed it first)."""


class PermissionRefused(ServiceError):
    """The person may not do this."""


# The two ways a view shows a refusal. The `with` block holds the service call and what follows
# success; a ServiceError skips the rest of the block and the view goes on past it.


@contextmanager
def refusal_on_form(form: BaseForm, field: str | None = None) -> Iterator[None]:
    """A refused change becomes an error on the form, which the view then renders again::

    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.term_update(term=term, by=staff, **form.cleaned_data)
            messages.success(request, "Saved.")
            return redirect("core:calendar")
    return render(request, "core/term_edit.html", {"form": form}, status=400 if form.is_bound else 200)
    """
    try:
        yield
    except ServiceError as exc:
        form.add_error(field, str(exc))


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[None]:
    """A refused button press (no form to re-render) becomes an error message on the next page::

    with refusal_as_message(request):
        services.term_delete(term=term, by=staff)
        messages.success(request, "Removed.")
    return redirect("core:calendar")
    """
    try:
        yield
    except ServiceError as exc:
        messages.error(request, str(exc))
