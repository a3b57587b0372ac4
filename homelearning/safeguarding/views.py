"""Safeguarding pages. Every view of a record writes an audit row."""

from __future__ import annotations

import csv
import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.people.access import parent_required, staff_required, viewer_of
from homelearning.people.models import Pupil, Staff, User
from homelearning.safeguarding import selectors, services
from homelearning.safeguarding.access import (
    can_change_settings,
    concerns_visible_to,
    dsl_team_required,
    get_alert_for_dsl,
    get_concern_for_staff,
    get_pupil_for_contact,
    get_pupil_for_dsl,
    get_vulnerable_for_dsl,
    is_dsl_team,
    mfa_is_recent,
    pupils_for_carer_report,
    pupils_for_concern,
    reauthenticate,
    settings_for,
)
from homelearning.safeguarding.forms import (
    AcknowledgementReportForm,
    AlertForm,
    AlertImportForm,
    AlertMappingForm,
    CarerReportForm,
    CloseForm,
    ConcernForm,
    ContactForm,
    EndVulnerableForm,
    EntryForm,
    SettingsForm,
    TriageForm,
    VulnerableForm,
)
from homelearning.safeguarding.models import Concern, ConcernCategory, ConcernEntry, FilterAlert


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _staff(request: HttpRequest) -> Staff:
    return viewer_of(request).staff  # type: ignore[return-value]


def _seen(request: HttpRequest, thing: str, target: Any = None, **details: Any) -> None:
    audit(
        action=f"safeguarding.{thing}.view",
        actor=_user(request),
        school=_staff(request).school,
        target=target,
        request=request,
        details=details or None,
    )


@dsl_team_required
def dashboard(request: HttpRequest) -> HttpResponse:
    school = _staff(request).school
    today = clock.today()
    viewer = viewer_of(request)
    overview = selectors.contacts_overview(school, today=today)
    concerns = selectors.open_concerns(concerns_visible_to(viewer))
    stats = selectors.acknowledgement_report(school, start=today - datetime.timedelta(days=365), end=today)
    new_alerts = FilterAlert.objects.filter(school=school, triage=FilterAlert.Triage.NEW).count()
    _seen(request, "dashboard")
    settings_form = None
    if can_change_settings(viewer):
        current = settings_for(school).headteacher_sees_records
        settings_form = SettingsForm(initial={"headteacher_sees_records": "yes" if current else "no"})
    return render(
        request,
        "safeguarding/dashboard.html",
        {
            "settings_form": settings_form,
            "overview": overview,
            "concerns": concerns,
            "concern_rows": [(c, selectors.concern_source(c)[0]) for c in concerns],
            "stats": stats,
            "new_alerts": new_alerts,
            "now": clock.now(),
            "today": today,
        },
    )


@staff_required()
def concern_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    status = request.GET.get("status", "")
    concerns = selectors.concern_list(concerns_visible_to(viewer), status=status)
    _seen(request, "concern_list", status=status)
    return render(
        request,
        "safeguarding/concern_list.html",
        {"concerns": concerns, "dsl": is_dsl_team(viewer), "status": status, "statuses": Concern.Status.choices},
    )


@staff_required()
def concern_raise(request: HttpRequest) -> HttpResponse:
    """Any member of staff, from anywhere: `?pupil=<code>&source_type=…&source_code=…` pre-fill the form."""
    viewer = viewer_of(request)
    pupils = pupils_for_concern(viewer)
    if request.method == "POST":
        form = ConcernForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            staff = _staff(request)
            with refusal_on_form(form):
                concern = services.raise_concern(
                    school=staff.school,
                    by=_user(request),
                    by_label=staff.full_name,
                    pupils=list(data["pupils"]),
                    category=data["category"],
                    seen_or_heard=data["seen_or_heard"],
                    happened_at=data["happened_at"],
                    action_taken=data["action_taken"],
                    source_type=data["source_type"],
                    source_code=data["source_code"],
                )
                messages.success(request, "Your concern has been recorded and the safeguarding team has been told.")
                return redirect("safeguarding:concern_detail", code=concern.code)
    else:
        initial: dict[str, Any] = {
            "source_type": request.GET.get("source_type", ""),
            "source_code": request.GET.get("source_code", ""),
            "happened_at": timezone.localtime().replace(second=0, microsecond=0),
        }
        codes = request.GET.getlist("pupil")
        if codes:
            initial["pupils"] = list(pupils.filter(code__in=codes))
        form = ConcernForm(initial=initial, pupils=pupils)
    source_type = (request.POST if request.method == "POST" else request.GET).get("source_type", "")
    source_label = selectors.SOURCES.get(source_type, ("", None))[0]
    return render(request, "safeguarding/concern_form.html", {"form": form, "source_label": source_label})


@staff_required()
def concern_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    concern = get_concern_for_staff(viewer, code)
    dsl = is_dsl_team(viewer)
    entries = selectors.concern_detail_entries(concern) if dsl else []
    entry_form = EntryForm(entries=ConcernEntry.objects.filter(concern=concern)) if dsl else None
    _seen(request, "concern", concern)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "pupils": selectors.concern_pupils(concern),
            "source": selectors.concern_source(concern),
            "entries": entries,
            "dsl": dsl,
            "entry_form": entry_form,
            "close_form": CloseForm() if dsl else None,
        },
    )


@require_POST
@dsl_team_required
def concern_acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    concern = get_concern_for_staff(viewer_of(request), code)
    with refusal_as_message(request):
        services.concern_acknowledge(concern=concern, by=_user(request))
        messages.success(request, "Concern acknowledged.")
    return redirect("safeguarding:concern_detail", code=concern.code)


@require_POST
@dsl_team_required
def concern_entry_add(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    concern = get_concern_for_staff(viewer, code)
    form = EntryForm(request.POST, entries=ConcernEntry.objects.filter(concern=concern))
    if form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form):
            services.concern_entry_add(
                concern=concern,
                by=_user(request),
                by_label=_staff(request).full_name,
                kind=data["kind"],
                text=data["text"],
                reason=data["reason"],
                corrects=data["corrects"],
            )
            messages.success(request, "Entry added to the record.")
            return redirect("safeguarding:concern_detail", code=concern.code)
    _seen(request, "concern", concern)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "pupils": selectors.concern_pupils(concern),
            "source": selectors.concern_source(concern),
            "entries": selectors.concern_detail_entries(concern),
            "dsl": True,
            "entry_form": form,
            "close_form": CloseForm(),
        },
        status=400,
    )


@require_POST
@dsl_team_required
def concern_close(request: HttpRequest, code: str) -> HttpResponse:
    concern = get_concern_for_staff(viewer_of(request), code)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Record the outcome before closing the concern.")
        return redirect("safeguarding:concern_detail", code=concern.code)
    with refusal_as_message(request):
        services.concern_close(
            concern=concern, by=_user(request), by_label=_staff(request).full_name, outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, "Outcome recorded and concern closed.")
    return redirect("safeguarding:concern_detail", code=concern.code)


@parent_required
def carer_report(request: HttpRequest) -> HttpResponse:
    """A parent or carer tells the school about a worry for their own children."""
    viewer = viewer_of(request)
    pupils = pupils_for_carer_report(viewer)
    if request.method == "POST":
        form = CarerReportForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            chosen: list[Pupil] = list(data["pupils"])
            school = chosen[0].school
            carer = next((c for c in viewer.carer_records if c.school_id == school.pk), viewer.carer_records[0])
            with refusal_on_form(form):
                services.raise_concern(
                    school=school,
                    by=_user(request),
                    by_label=carer.full_name,
                    pupils=chosen,
                    category=ConcernCategory.objects.get(slug="family-report"),
                    seen_or_heard=data["seen_or_heard"],
                    happened_at=data["happened_at"],
                    raised_as=Concern.RaisedAs.CARER,
                )
                return render(request, "safeguarding/carer_report_sent.html", {"school": school})
    else:
        form = CarerReportForm(pupils=pupils)
    return render(request, "safeguarding/carer_report.html", {"form": form}, status=400 if form.is_bound else 200)


@dsl_team_required
def vulnerable_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = _staff(request).school
    pupils = pupils_for_concern(viewer)
    if request.method == "POST":
        form = VulnerableForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form):
                services.vulnerable_add(
                    school=school,
                    pupil=data["pupil"],
                    reason=data["reason"],
                    started_on=data["started_on"],
                    note=data["note"],
                    by=_user(request),
                )
                messages.success(request, f"{data['pupil'].full_name} added to the vulnerable pupils list.")
                return redirect("safeguarding:vulnerable_list")
    else:
        form = VulnerableForm(pupils=pupils, initial={"started_on": clock.today()})
    include_ended = request.GET.get("ended") == "1"
    records = selectors.vulnerable_list(school, include_ended=include_ended)
    _seen(request, "vulnerable_list")
    return render(
        request,
        "safeguarding/vulnerable_list.html",
        {"records": records, "form": form, "include_ended": include_ended, "end_form": EndVulnerableForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@dsl_team_required
def vulnerable_end(request: HttpRequest, code: str) -> HttpResponse:
    record = get_vulnerable_for_dsl(viewer_of(request), code)
    form = EndVulnerableForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the end date.")
    else:
        with refusal_as_message(request):
            services.vulnerable_end(record=record, ended_on=form.cleaned_data["ended_on"], by=_user(request))
            messages.success(request, f"{record.pupil.full_name}: {record.reason.name} ended.")
    return redirect("safeguarding:vulnerable_list")


@staff_required()
def my_contacts(request: HttpRequest) -> HttpResponse:
    """A teacher's weekly contacts due for vulnerable pupils in their classes."""
    rows = selectors.teacher_contacts(_staff(request), today=clock.today())
    _seen(request, "my_contacts")
    return render(request, "safeguarding/my_contacts.html", {"rows": rows})


@staff_required()
def contact_log(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil, kinds = get_pupil_for_contact(viewer, code)
    if request.method == "POST":
        form = ContactForm(request.POST, allowed=kinds)
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form):
                contact = services.contact_log(
                    pupil=pupil,
                    by=_staff(request),
                    contact_for=data["contact_for"],
                    contacted_at=data["contacted_at"],
                    method=data["method"],
                    spoke_to_child=data["spoke_to_child"],
                    outcome=data["outcome"],
                )
                messages.success(request, f"Contact with {pupil.first_name}'s family recorded.")
                if data["raise_concern"]:
                    query = urlencode({"pupil": pupil.code, "source_type": "contact", "source_code": contact.code})
                    return redirect(reverse("safeguarding:concern_raise") + "?" + query)
                return redirect("safeguarding:dashboard" if is_dsl_team(viewer) else "safeguarding:my_contacts")
    else:
        form = ContactForm(
            allowed=kinds, initial={"contacted_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
    return render(
        request,
        "safeguarding/contact_form.html",
        {"form": form, "pupil": pupil},
        status=400 if form.errors else 200,
    )


@dsl_team_required
def chronology(request: HttpRequest, code: str) -> HttpResponse:
    # 404 before asking for a code, so a guessed URL learns nothing either way.
    pupil = get_pupil_for_dsl(viewer_of(request), code)
    if not mfa_is_recent(request):
        return reauthenticate(request)
    items = selectors.chronology(pupil)
    _seen(request, "chronology", pupil)
    return render(request, "safeguarding/chronology.html", {"pupil": pupil, "items": items, "printed_at": clock.now()})


@dsl_team_required
def pupil_list(request: HttpRequest) -> HttpResponse:
    """Every pupil, to open a chronology."""
    pupils = pupils_for_concern(viewer_of(request)).order_by("surname", "legal_first_name")
    _seen(request, "pupil_list")
    return render(request, "safeguarding/pupil_list.html", {"pupils": pupils})


@dsl_team_required
def alert_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = _staff(request).school
    pupils = pupils_for_concern(viewer)
    form = AlertForm(pupils=pupils)
    if request.method == "POST":
        form = AlertForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            services.alert_log(
                school=school,
                by=_user(request),
                occurred_at=data["occurred_at"],
                device_user=data["device_user"],
                device=data["device"],
                category=data["category"],
                detail=data["detail"],
                pupil=data["pupil"],
            )
            messages.success(request, "Alert logged.")
            return redirect("safeguarding:alert_list")
    triage = request.GET.get("triage", "")
    alerts = selectors.alert_list(school, triage=triage)
    _seen(request, "alert_list", triage=triage)
    return render(
        request,
        "safeguarding/alert_list.html",
        {
            "alerts": alerts,
            "form": form,
            "import_form": AlertImportForm(),
            "triage": triage,
            "triages": FilterAlert.Triage.choices,
        },
        status=400 if form.errors else 200,
    )


def _import_page(
    request: HttpRequest,
    form: AlertMappingForm,
    table: services.CsvTable,
    *,
    errors: list[str],
    status: int,
    refused_status: int = 400,
) -> HttpResponse:
    preview: list[services.AlertRow] = []
    total = 0
    if not errors and form.is_bound and form.is_valid():
        try:
            rows = services.alerts_csv_parse(school=_staff(request).school, table=table, mapping=form.mapping())
        except services.ImportRefused as exc:
            errors = exc.errors
            status = refused_status
        else:
            preview, total = rows[:10], len(rows)
    _seen(request, "alert_import")
    return render(
        request,
        "safeguarding/alert_import.html",
        {"form": form, "table": table, "errors": errors, "preview": preview, "total": total},
        status=status,
    )


@require_POST
@dsl_team_required
def alert_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, match its columns to ours (remembered for next time), preview, then import all or nothing.

    Nothing is written until the DSL presses "Import"; every step re-reads the file's text.
    """
    school = _staff(request).school
    fields, required = services.ALERT_FIELDS, services.ALERT_REQUIRED
    if "file" in request.FILES or "csv_text" not in request.POST:
        upload = AlertImportForm(request.POST, request.FILES)
        if not upload.is_valid():
            messages.error(
                request, "Nothing was imported. " + " ".join(str(e) for errs in upload.errors.values() for e in errs)
            )
            return redirect("safeguarding:alert_list")
        try:
            table = services.alerts_csv_read(data=upload.cleaned_data["file"].read())
        except ServiceError as exc:
            messages.error(request, f"Nothing was imported. {exc}")
            return redirect("safeguarding:alert_list")
        guess = services.alert_columns_guess(school=school, headers=table.headers)
        form = AlertMappingForm(
            {
                "csv_text": table.text,
                "remember": "on",
                "date_order": guess["date_order"],
                **{f"col_{name}": guess.get(name, "") for name in fields},
            },
            headers=table.headers,
            fields=fields,
            required=required,
            date_orders=services.ALERT_DATE_ORDERS,
        )
        # A first look: columns not yet matched are guidance, not a refusal.
        return _import_page(request, form, table, errors=[], status=200, refused_status=200)
    try:
        table = services.alerts_csv_read(data=request.POST.get("csv_text", ""))
    except ServiceError as exc:
        messages.error(request, f"Nothing was imported. {exc} Choose the file again.")
        return redirect("safeguarding:alert_list")
    form = AlertMappingForm(
        request.POST,
        headers=table.headers,
        fields=fields,
        required=required,
        date_orders=services.ALERT_DATE_ORDERS,
    )
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _import_page(request, form, table, errors=errors, status=400)
    if request.POST.get("action") != "import":
        return _import_page(request, form, table, errors=[], status=200)
    try:
        result = services.alerts_import_csv(
            school=school,
            by=_user(request),
            data=table.text,
            mapping=form.mapping(),
            remember=form.cleaned_data["remember"],
        )
    except services.ImportRefused as exc:
        return _import_page(request, form, table, errors=exc.errors, status=400)
    except ServiceError as exc:
        return _import_page(request, form, table, errors=[str(exc)], status=400)
    messages.success(request, f"{result.created} alert{'s' if result.created != 1 else ''} imported.")
    return redirect("safeguarding:alert_list")


@dsl_team_required
def alert_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    alert = get_alert_for_dsl(viewer, code)
    pupils = pupils_for_concern(viewer)
    status = 200
    if request.method == "POST":
        form = TriageForm(request.POST, pupils=pupils)
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form):
                alert = services.alert_triage(
                    alert=alert,
                    by=_user(request),
                    by_label=_staff(request).full_name,
                    triage=data["triage"],
                    note=data["note"],
                    category=data["category"],
                    pupils=list(data["pupils"] or []),
                )
                messages.success(request, "Alert triaged.")
                return redirect("safeguarding:alert_detail", code=alert.code)
        status = 400
    else:
        initial = {"pupils": [alert.pupil]} if alert.pupil else {}
        form = TriageForm(pupils=pupils, initial=initial)
    _seen(request, "alert", alert)
    return render(request, "safeguarding/alert_detail.html", {"alert": alert, "form": form}, status=status)


@require_POST
@dsl_team_required
def settings_change(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_change_settings(viewer):
        raise PermissionDenied("Only the designated safeguarding lead and deputies change this setting.")
    form = SettingsForm(request.POST)
    if form.is_valid():
        services.settings_change(
            school=_staff(request).school,
            by=_user(request),
            headteacher_sees_records=form.cleaned_data["headteacher_sees_records"],
        )
        messages.success(request, "Setting saved.")
    else:
        messages.error(request, "Choose yes or no. Nothing was changed.")
    return redirect("safeguarding:dashboard")


def _csv_cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@dsl_team_required
def acknowledgement_report(request: HttpRequest) -> HttpResponse:
    """Time from raised to acknowledged for the concerns raised in a date range (SAF-02). No child is named."""
    school = _staff(request).school
    today = clock.today()
    if "start" in request.GET or "end" in request.GET:
        form = AcknowledgementReportForm(request.GET)
    else:
        form = AcknowledgementReportForm({"start": today - datetime.timedelta(days=30), "end": today})
    if not form.is_valid():
        _seen(request, "acknowledgement_report", invalid=True)
        return render(request, "safeguarding/acknowledgement_report.html", {"form": form, "report": None}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = selectors.acknowledgement_report(school, start=start, end=end)
    wants_csv = request.GET.get("format") == "csv"
    _seen(
        request,
        "acknowledgement_report",
        start=start.isoformat(),
        end=end.isoformat(),
        format="csv" if wants_csv else "html",
    )
    if wants_csv:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="concern-acknowledgement-{start}-to-{end}.csv"'
        response.write("\ufeff")  # So spreadsheet programs read it as UTF-8.
        writer = csv.writer(response)
        writer.writerow(["Raised", "About", "Raised by", "Status", "Acknowledged", "Minutes to acknowledge"])
        for row in report.rows:
            c = row.concern
            writer.writerow(
                [
                    timezone.localtime(c.raised_at).strftime("%Y-%m-%d %H:%M"),
                    _csv_cell(c.category.name),
                    c.get_raised_as_display(),
                    c.get_status_display(),
                    timezone.localtime(c.acknowledged_at).strftime("%Y-%m-%d %H:%M") if c.acknowledged_at else "",
                    "" if row.waiting else str(int(row.wait.total_seconds() // 60)),
                ]
            )
        return response
    return render(
        request, "safeguarding/acknowledgement_report.html", {"form": form, "report": report, "now": clock.now()}
    )
