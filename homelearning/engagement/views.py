"""Engagement pages (staff only): who is slipping, and a call asked for in one click."""

from __future__ import annotations

import csv
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import refusal_as_message
from homelearning.core.models import Term
from homelearning.engagement import access, report, selectors, services
from homelearning.engagement.charts import bar_chart
from homelearning.engagement.forms import EngagementSettingsForm, ReportForm
from homelearning.engagement.report import GOVERNORS, Presented
from homelearning.packs.pdf import html_to_pdf
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import Role, School, Staff


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


# --- The termly report: headteachers and trust leaders ------------------------------------------------


def _default_range(school: School, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The term so far (or the last term, in a holiday); the last 13 weeks where no term is entered."""
    term = Term.objects.filter(school=school, first_day__lte=today).order_by("-first_day").first()
    if term is None:
        return today - datetime.timedelta(weeks=13), today
    return term.first_day, min(term.last_day, today)


def _report_request(request: HttpRequest) -> tuple[ReportForm, access.ReportScope | None, str]:
    """The report's form from the query string, and what it asks for when it is valid."""
    viewer = viewer_of(request)
    scopes = access.report_scopes(viewer, request.user)  # type: ignore[arg-type]
    if not scopes:
        if access.leads_a_trust(request.user):  # type: ignore[arg-type]
            raise PermissionDenied("Set up two-factor authentication (Security) first: the trust's report needs it.")
        raise PermissionDenied("The remote-education report is for headteachers and trust leaders.")
    choices = [(s.key, s.label) for s in scopes]
    if request.GET:
        form = ReportForm(request.GET, scopes=choices)
    else:
        start, end = _default_range(scopes[0].schools[0], clock.today())
        data = {"scope": scopes[0].key, "start": start.isoformat(), "end": end.isoformat(), "audience": GOVERNORS}
        form = ReportForm(data, scopes=choices)
    if not form.is_valid():
        return form, None, ""
    scope = next(s for s in scopes if s.key == form.cleaned_data["scope"])
    return form, scope, form.cleaned_data["audience"]


def _generate(request: HttpRequest, form: ReportForm, scope: access.ReportScope, audience: str, kind: str) -> Presented:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    presented = report.present(report.build(scope.schools, start=start, end=end), audience=audience)
    details = {"scope": scope.label, "start": start.isoformat(), "end": end.isoformat(), "for": audience, "as": kind}
    for school in scope.schools:
        audit(action="engagement.report.generate", actor=request.user, school=school, request=request, details=details)  # type: ignore[arg-type]
    return presented


def _context(presented: Presented, scope: access.ReportScope) -> dict[str, object]:
    figures = presented.figures
    return {
        "presented": presented,
        "scope": scope,
        "figures": figures,
        "engagement_chart": bar_chart(
            presented.engagement_bars, title="Engagement rate by class (per cent of pupil-days)", maximum=100, unit="%"
        ),
        "reason_chart": bar_chart(presented.reason_bars, title="Pupil-days of remote education by reason"),
        "generated_at": clock.now(),
    }


def report_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, scope, audience = _report_request(request)
    context: dict[str, object] = {"form": form, "query": urlencode(dict(form.data.items()))}
    if scope is None:
        return render(request, "engagement/report.html", context, status=400)
    context.update(_context(_generate(request, form, scope, audience, "page"), scope))
    return render(request, "engagement/report.html", context)


def _filename(scope: access.ReportScope, form: ReportForm, ext: str) -> str:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return f"remote-education-{slugify(scope.label)[:60]}-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


def report_pdf(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, scope, audience = _report_request(request)
    if scope is None:
        return render(request, "engagement/report.html", {"form": form}, status=400)
    context = _context(_generate(request, form, scope, audience, "pdf"), scope)
    pdf = html_to_pdf(render_to_string("engagement/report_pdf.html", context))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, form, "pdf")}"'
    return response


def report_csv(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, scope, audience = _report_request(request)
    if scope is None:
        return render(request, "engagement/report.html", {"form": form}, status=400)
    presented = _generate(request, form, scope, audience, "csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, form, "csv")}"'
    writer = csv.writer(response)
    for row in presented.csv_rows():
        writer.writerow([_csv_cell(cell) for cell in row])
    return response


def _csv_cell(value: str) -> str:
    """No cell may start a formula in a spreadsheet ("<5" and school names included)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
