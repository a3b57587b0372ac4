"""The headteacher's page for how staff sign in (issue 17; docs/sign-in.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homelearning.core.errors import ServiceError
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import Role
from homelearning.sso import services
from homelearning.sso.apps_list import client_for
from homelearning.sso.forms import SignInSettingsForm
from homelearning.sso.models import Provider


@require_http_methods(["GET", "POST"])
@staff_required(Role.HEADTEACHER)
def sign_in_settings(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    assert viewer.staff is not None  # noqa: S101 - staff_required
    school = viewer.staff.school
    current = services.settings_for(school)
    status = 200
    if request.method == "POST":
        form = SignInSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.settings_change(school=school, by=request.user, values=form.cleaned_data)  # type: ignore[arg-type]
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Saved. The sign-in page shows the change now.")
                return redirect("sso:settings")
        status = 400
    else:
        form = SignInSettingsForm(initial={name: getattr(current, name) for name in services.FIELDS})
    clients = {p.label: bool(client_for(p.value).get("client_id")) for p in Provider if p.value}
    return render(request, "sso/settings.html", {"form": form, "current": current, "clients": clients}, status=status)
