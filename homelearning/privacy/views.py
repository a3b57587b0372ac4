from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from homelearning.core import clock
from homelearning.core.errors import ServiceError, refusal_on_form
from homelearning.people import selectors as people_selectors
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import MFA_ROLES, Role, Staff, User
from homelearning.privacy import selectors, services
from homelearning.privacy.access import SAR_ROLES, get_sar_for_staff, may_download, subject_carer, subject_pupil
from homelearning.privacy.forms import (
    DeviceConfirmationForm,
    DevicesRequiredForm,
    LinkedPoliciesForm,
    RetentionForm,
    SafeguardingDecisionForm,
    SignInSettingsForm,
    SubjectAccessForm,
)
from homelearning.privacy.models import RecordType, SubjectAccessRequest
from homelearning.privacy.retention import rules_for
from homelearning.privacy.schedule import SPECS
from homelearning.safeguarding.access import is_dsl_team


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required ran first
    return staff


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - signed in: the decorators ran first
    return request.user


# --- Subject access ------------------------------------------------------------------------------


@staff_required(*SAR_ROLES)
def sar_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = _staff(request).school
    form = SubjectAccessForm(request.POST or None, choices=selectors.subject_choices(school))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, code = form.cleaned_data["subject"]
            pupil = subject_pupil(viewer, code) if kind == "pupil" else None
            carer = subject_carer(viewer, code) if kind == "carer" else None
            if pupil is None and carer is None:
                form.add_error("subject", "That person is not a pupil or carer of this school.")
            else:
                try:
                    sar = services.sar_create(
                        school=school,
                        by=_user(request),
                        pupil=pupil,
                        carer=carer,
                        requested_by=form.cleaned_data["requested_by"],
                        received_on=form.cleaned_data["received_on"],
                        redact_third_parties=form.cleaned_data["redact_third_parties"],
                    )
                except ServiceError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"Request recorded. Respond by {sar.due_on:%-d %B %Y}.")
                    return redirect("privacy:sar_detail", code=sar.code)
        status = 400
    return render(
        request,
        "privacy/sar_list.html",
        {"form": form, "requests": selectors.requests_for(school), "today": clock.today()},
        status=status,
    )


def _sar_page(
    request: HttpRequest, sar: SubjectAccessRequest, form: SafeguardingDecisionForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = viewer_of(request)
    dsl = is_dsl_team(viewer)
    return render(
        request,
        "privacy/sar_detail.html",
        {
            "sar": sar,
            "today": clock.today(),
            "days_left": sar.days_left(clock.today()),
            "overdue_by": -sar.days_left(clock.today()),
            "is_dsl": dsl,
            "decision_form": form or (SafeguardingDecisionForm() if dsl else None),
            "may_download": may_download(viewer, sar),
        },
        status=status,
    )


@staff_required(*SAR_ROLES)
def sar_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    sar = get_sar_for_staff(viewer, code)
    if request.method == "POST":
        form = SafeguardingDecisionForm(request.POST)
        if not form.is_valid():
            return _sar_page(request, sar, form, status=400)
        try:
            services.sar_safeguarding_decide(
                sar=sar,
                by=_user(request),
                dsl_team=is_dsl_team(viewer),
                include=form.cleaned_data["decision"] == "include",
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
            return _sar_page(request, sar, form, status=403 if not is_dsl_team(viewer) else 409)
        messages.success(request, "Safeguarding decision recorded.")
        return redirect("privacy:sar_detail", code=sar.code)
    return _sar_page(request, sar)


@require_POST
def sar_download(request: HttpRequest, code: str) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)  # get_sar_for_staff answers 404 to anyone without a SAR role.
    sar = get_sar_for_staff(viewer, code)
    try:
        handle = services.sar_export(sar=sar, by=_user(request), allowed=may_download(viewer, sar))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _sar_page(request, sar, status=403)
    response = FileResponse(
        handle, as_attachment=True, filename=f"subject-access-{sar.code}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required(*SAR_ROLES)
def sar_complete(request: HttpRequest, code: str) -> HttpResponse:
    sar = get_sar_for_staff(viewer_of(request), code)
    try:
        services.sar_complete(sar=sar, by=_user(request))
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked as sent to the requester.")
    return redirect("privacy:sar_detail", code=sar.code)


# --- Retention ------------------------------------------------------------------------------------


@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER)
def retention(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = _staff(request).school
    periods = rules_for(school)
    form = RetentionForm(request.POST or None, periods=periods)
    status = 200
    if request.method == "POST":
        if not viewer.is_headteacher:
            raise PermissionDenied("Only the headteacher can change the retention schedule.")
        if form.is_valid():
            try:
                services.retention_rules_set(
                    school=school, by=_user(request), periods={k: form.cleaned_data[k] for k in SPECS}
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The retention schedule is saved.")
                return redirect("privacy:retention")
        status = 400
    runs = selectors.recent_runs(school)
    latest_dry = next((r for r in runs if r.dry_run), None)
    rows = [
        {"key": key, "label": RecordType(key).label, "spec": spec, "period": periods[key]}
        for key, spec in SPECS.items()
    ]
    report_rows = []
    if latest_dry is not None:
        report_rows = [
            {"label": RecordType(key).label, "count": section.get("count", 0), "action": section.get("action", "")}
            for key, section in latest_dry.report.items()
            if key in SPECS
        ]
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "rows": rows,
            "runs": runs,
            "latest_dry": latest_dry,
            "report_rows": report_rows,
            "can_edit": viewer.is_headteacher,
        },
        status=status,
    )


@require_POST
@staff_required(Role.HEADTEACHER)
def retention_dry_run(request: HttpRequest) -> HttpResponse:
    run = services.retention_dry_run(school=_staff(request).school, by=_user(request), today=clock.today())
    messages.success(request, f"Dry run done: {run.total} records would be removed or anonymised. Nothing changed.")
    return redirect("privacy:retention")


@require_POST
@staff_required(Role.HEADTEACHER)
def retention_pass(request: HttpRequest) -> HttpResponse:
    try:
        run = services.retention_pass(school=_staff(request).school, by=_user(request), today=clock.today())
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Retention pass done: {run.total} records removed or anonymised.")
    return redirect("privacy:retention")


# --- Devices ----------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@staff_required()
def device_confirm(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    today = clock.today()
    form = DeviceConfirmationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.device_confirm(staff=staff, points=form.cleaned_data, today=today)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            status = 400
        else:
            messages.success(request, "Thank you: your device confirmation for this term is recorded.")
            return redirect(_safe_next(request) or "home")
    return render(
        request,
        "privacy/device_confirm.html",
        {
            "form": form,
            "confirmed": services.device_confirmed(staff, today),
            "required": services.devices_required(staff.school_id),
            "next": _safe_next(request),
        },
        status=status,
    )


@staff_required(Role.HEADTEACHER)
def device_overview(request: HttpRequest) -> HttpResponse:
    school = _staff(request).school
    current = services.settings_for(school)
    form = DevicesRequiredForm(request.POST or None, initial={"required": current.devices_required})
    if request.method == "POST" and form.is_valid():
        services.devices_required_set(school=school, by=_user(request), required=form.cleaned_data["required"])
        messages.success(request, "Saved.")
        return redirect("privacy:device_overview")
    rows = services.device_overview(school, clock.today())
    return render(
        request,
        "privacy/device_overview.html",
        {
            "form": form,
            "rows": rows,
            "missing": [s for s, c in rows if c is None],
            "term": services.term_key(school, clock.today()),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(Role.HEADTEACHER)
def sign_in_settings(request: HttpRequest) -> HttpResponse:
    """The headteacher sets how long API tokens work and which further roles need an authenticator."""
    school = _staff(request).school
    current = services.settings_for(school)
    form = SignInSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "api_token_days": current.api_token_days,
            "extra_mfa_roles": current.extra_mfa_roles,
            "carer_remember_days": current.carer_remember_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.sign_in_settings_set(school=school, by=_user(request), **form.cleaned_data)
            messages.success(request, "The sign-in settings are saved.")
            return redirect("privacy:sign_in_settings")
    return render(
        request,
        "privacy/sign_in_settings.html",
        {"form": form, "required_roles": [r.label for r in Role if r in MFA_ROLES]},
        status=400 if form.is_bound else 200,
    )


# --- Policy and privacy notice -------------------------------------------------------------------------


def policy(request: HttpRequest) -> HttpResponse:
    """The policy in force, for staff and parents (POL-01); the headteacher edits the linked policies."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    school = viewer.school
    if school is None:
        raise PermissionDenied("This page is for the school's staff and families.")
    current = people_selectors.policy_in_force(school)
    settings_row = services.settings_for(school)
    form = None
    status = 200
    if viewer.is_headteacher:
        initial = "\n".join(
            f"{p['title']} | {p['url']}" if p.get("url") else p["title"] for p in settings_row.linked_policies
        )
        form = LinkedPoliciesForm(request.POST or None, initial={"links": initial})
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.linked_policies_set(school=school, by=_user(request), links=form.cleaned_data["links"])
                except ServiceError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, "The linked policies are saved.")
                    return redirect("privacy:policy_in_force")
            status = 400
    elif request.method == "POST":
        raise PermissionDenied("Only the headteacher can change the linked policies.")
    today = clock.today()
    return render(
        request,
        "privacy/policy.html",
        {
            "policy": current,
            "links": settings_row.linked_policies,
            "form": form,
            "review_due": viewer.is_staff and current.review_is_due(today),
            "school": school,
        },
        status=status,
    )


def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice for parents: open to anyone, with the school's own details when signed in."""
    school = viewer_of(request).school if request.user.is_authenticated else None
    periods = rules_for(school) if school is not None else {k: s.default for k, s in SPECS.items()}
    return render(request, "privacy/notice.html", {"school": school, "periods": periods, "specs": SPECS})
