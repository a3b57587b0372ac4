"""Engagement pages (staff only): who is slipping, and a call asked for in one click."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.errors import refusal_as_message
from homelearning.engagement import access, selectors, services
from homelearning.engagement.forms import EngagementSettingsForm
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import Role, Staff


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required has checked
    return staff


@staff_required()
def index(request: HttpRequest, form: EngagementSettingsForm | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    staff = _staff(request)
    today = clock.today()
    rows = selectors.with_open_calls(
        selectors.engagement_for(staff.school, today=today, class_ids=access.engagement_class_ids(viewer))
    )
    setting = services.settings_for(staff.school)
    if form is None and access.can_change_settings(viewer):
        form = EngagementSettingsForm(initial={"quiet_after_school_days": setting.quiet_after_school_days})
    counts = {s: sum(1 for r in rows if r.status == s) for s in selectors.STATUS_LABELS}
    return render(
        request,
        "engagement/index.html",
        {
            "rows": rows,
            "counts": counts,
            "setting": setting,
            "form": form,
            "quiet": [r for r in rows if r.is_quiet],
            "my_class_ids": access.own_class_ids(viewer),
            "today": today,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
@staff_required(Role.HEADTEACHER)
def settings_change(request: HttpRequest) -> HttpResponse:
    form = EngagementSettingsForm(request.POST)
    if not form.is_valid():
        return index(request, form=form)
    with refusal_as_message(request):
        services.settings_change(
            school=_staff(request).school,
            by=_staff(request),
            quiet_after_school_days=form.cleaned_data["quiet_after_school_days"],
        )
        messages.success(request, "Saved.")
    return redirect("engagement:index")


@require_POST
@staff_required()
def ask_for_call(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil = access.get_pupil_for_call(viewer, code)
    found = selectors.engagement_for(pupil.school, today=clock.today(), pupil_ids=[pupil.pk])
    quiet_days = found[0].quiet_days if found else 0
    with refusal_as_message(request):
        services.ask_for_call(pupil=pupil, by=_staff(request), quiet_days=quiet_days)
        messages.success(request, f"A call to {pupil.full_name}'s family is in your call list for today.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(back)
    return redirect("home")
