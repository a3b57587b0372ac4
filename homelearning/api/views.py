"""The API token pages: a member of staff makes and revokes their own tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from homelearning.api import selectors, services
from homelearning.api.access import get_token_for_staff
from homelearning.api.forms import ApiTokenForm
from homelearning.api.models import ApiToken
from homelearning.core.errors import ServiceError
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import Staff, User


def _staff_and_user(request: HttpRequest) -> tuple[Staff, User]:
    staff = viewer_of(request).staff
    user = request.user
    if staff is None or not isinstance(user, User):
        raise PermissionDenied("This page is for school staff.")
    return staff, user


# The page that shows a new secret must never be cached by the browser or a proxy.
@never_cache
@require_http_methods(["GET", "POST"])
@staff_required()
def token_list(request: HttpRequest) -> HttpResponse:
    staff, user = _staff_and_user(request)
    form = ApiTokenForm()
    new_token: ApiToken | None = None
    secret = ""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                new_token, secret = services.token_create(staff=staff, name=form.cleaned_data["name"], by=user)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                form = ApiTokenForm()
    # The secret is rendered into this response only: no redirect, so it never sits in a URL or a session.
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": selectors.tokens_for_staff(staff),
            "new_token": new_token,
            "secret": secret,
            "max_tokens": services.MAX_LIVE_TOKENS,
            "token_days": services.token_days_for(staff.school_id),
            "school": staff.school,
        },
    )


@require_POST
@staff_required()
def token_revoke(request: HttpRequest, code: str) -> HttpResponse:
    _, user = _staff_and_user(request)
    token = get_token_for_staff(viewer_of(request), code)
    try:
        services.token_revoke(token=token, by=user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"The token “{token.name}” is revoked. Anything using it can no longer reach the API."
        )
    return redirect("api:token_list")
