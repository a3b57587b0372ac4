"""Pages for closures, individual cases, the register export and the headteacher's dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.people.access import pupils_visible_to, staff_required, viewer_of
from homelearning.people.models import Staff
from homelearning.people.selectors import policy_in_force
from homelearning.provision import selectors, services
from homelearning.provision.access import (
    DECIDE_ROLES,
    EXPORT_ROLES,
    RECORD_ROLES,
    get_case_for_staff,
    get_closure_for_staff,
)
from homelearning.provision.exports import register_csv
from homelearning.provision.forms import (
    ActivateForm,
    AgreementForm,
    CaseRequestForm,
    ClosureChangeForm,
    ClosureForm,
    EndForm,
    ExportForm,
    MedicalAdviceForm,
    ReviewForm,
    RiskAssessmentForm,
)
from homelearning.provision.models import Case, MedicalAdvice, RiskAssessment
from homelearning.provision.selectors import pupil_matches


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required has checked
    return staff


@staff_required(*DECIDE_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    school = _staff(request).school
    policy = policy_in_force(school)
    data = selectors.dashboard(
        school=school,
        today=clock.today(),
        illness_code="I",
        illness_threshold=policy.illness_alert_school_days,
    )
    return render(request, "provision/dashboard.html", {"data": data, "policy": policy})


@staff_required()
def closure_list(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    viewer = viewer_of(request)
    form = None
    if viewer.has_role(*DECIDE_ROLES):
        form = ClosureForm(request.POST if request.method == "POST" else None, school=staff.school)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with refusal_as_message(request):
                closure, created = services.closure_declare(
                    by=staff,
                    reason=data["reason"],
                    scope=data["scope"],
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    year_groups=list(data["year_groups"]),
                    classes=list(data["classes"]),
                )
                if created:
                    messages.success(request, "The closure is declared: the register is filled and carers emailed.")
                else:
                    messages.info(request, "This closure was already declared; nothing has changed.")
                return redirect("provision:closure_detail", code=closure.code)
    elif request.method == "POST":
        messages.error(request, "Only the headteacher and senior leaders can declare a closure.")
        return redirect("provision:closure_list")
    status = 400 if form is not None and form.is_bound else 200
    return render(
        request,
        "provision/closure_list.html",
        {"closures": selectors.closures_for_school(staff.school), "form": form},
        status=status,
    )


@staff_required()
def closure_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    closure = get_closure_for_staff(viewer, code)
    form = None
    if viewer.has_role(*DECIDE_ROLES) and closure.status == closure.Status.IN_FORCE:
        form = ClosureChangeForm(
            request.POST if request.method == "POST" else None, initial={"last_day": closure.last_day}
        )
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["end"]:
                    services.closure_end(closure=closure, last_day=form.cleaned_data["last_day"], by=_staff(request))
                    messages.success(request, "The closure has ended.")
                else:
                    services.closure_change_last_day(
                        closure=closure, last_day=form.cleaned_data["last_day"], by=_staff(request)
                    )
                    messages.success(request, "The closure's last day has changed; the register follows it.")
            except ServiceError as exc:
                messages.error(request, str(exc))
            return redirect("provision:closure_detail", code=closure.code)
    elif request.method == "POST":
        messages.error(request, "This closure cannot be changed.")
        return redirect("provision:closure_detail", code=closure.code)
    pupils = closure.marks.values("pupil").distinct().count()
    return render(request, "provision/closure_detail.html", {"closure": closure, "form": form, "pupils": pupils})


@staff_required()
def case_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    cases = selectors.cases_for(pupils_visible_to(viewer))
    return render(
        request,
        "provision/case_list.html",
        {"cases": cases, "can_record": viewer.has_role(*RECORD_ROLES)},
    )


@staff_required(*RECORD_ROLES)
def case_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    pupils = selectors.pupils_for_choosing(pupils_visible_to(viewer))
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    shown = [p for p in pupils if pupil_matches(p, query)] if query else None
    chosen = request.GET.get("pupil", "")
    if shown is not None and len(shown) == 1 and not chosen:
        chosen = shown[0].code  # the only match is chosen for the user
    form = CaseRequestForm(
        request.POST if request.method == "POST" else None,
        pupils=pupils,
        shown=shown,
        initial={"requested_on": clock.today(), "pupil": chosen if any(p.code == chosen for p in pupils) else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form):
            case = services.case_request(
                by=_staff(request),
                pupil=data["pupil"],
                requested_by=data["requested_by"],
                requested_on=data["requested_on"],
                reason=data["reason"],
                notes=data["notes"],
                medical_professional_involved=data["medical_professional_involved"],
            )
            if case.status == Case.Status.REFUSED:
                messages.warning(request, f"The request is refused. {case.refusal_reason}")
            else:
                messages.success(request, "The request is recorded. Next: risk assessment and medical advice.")
            return redirect("provision:case_detail", code=case.code)
    status = 400 if form.is_bound else 200
    context = {"form": form, "query": query, "matches": None if shown is None else len(shown)}
    return render(request, "provision/case_new.html", context, status=status)


def _case_page(request: HttpRequest, case: Case, status: int = 200, **bound: Any) -> HttpResponse:
    viewer = viewer_of(request)
    case = selectors.case_detail(case)
    can_decide = viewer.has_role(*DECIDE_ROLES)
    forms: dict[str, Any] = {}
    if can_decide and case.status == Case.Status.PREPARING:
        forms = {
            "risk_form": RiskAssessmentForm(),
            "advice_form": MedicalAdviceForm(),
            "agreement_form": AgreementForm(case=case),
            "activate_form": ActivateForm(case=case, initial={"code": case.absence_code_id}),
        }
    elif can_decide and case.status == Case.Status.ACTIVE:
        forms = {"review_form": ReviewForm(), "end_form": EndForm()}
    forms.update(bound)
    return render(
        request,
        "provision/case_detail.html",
        {
            "case": case,
            "missing": services.case_missing(case) if case.status == Case.Status.PREPARING else [],
            "can_decide": can_decide,
            **forms,
        },
        status=status,
    )


@staff_required()
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    audit(action="case.view", actor=request.user, school=case.school, target=case, request=request)  # type: ignore[arg-type]
    return _case_page(request, case)


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("provision:case_detail", code=case.code)


def _refused(request: HttpRequest, case: Case, exc: ServiceError) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect("provision:case_detail", code=case.code)


@require_POST
@staff_required(*DECIDE_ROLES)
def case_risk_assessment(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = RiskAssessmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, status=400, risk_form=form)
    try:
        services.risk_assessment_record(case=case, by=_staff(request), **form.cleaned_data)
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "The risk assessment is recorded.")


@require_POST
@staff_required(*DECIDE_ROLES)
def case_medical_advice(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = MedicalAdviceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, status=400, advice_form=form)
    try:
        services.medical_advice_record(case=case, by=_staff(request), **form.cleaned_data)
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "The medical advice is recorded.")


@require_POST
@staff_required(*DECIDE_ROLES)
def case_agreement(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = AgreementForm(request.POST, case=case)
    if not form.is_valid():
        return _case_page(request, case, status=400, agreement_form=form)
    data = form.cleaned_data
    try:
        party = services.agreement_record(
            case=case,
            party=data["party"],
            by=_staff(request),
            agreed_on=data["agreed_on"],
            how=data["how"],
            note=data["note"],
        )
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, f"The agreement of {party.label} is recorded.")


@require_POST
@staff_required(*DECIDE_ROLES)
def case_activate(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = ActivateForm(request.POST, case=case)
    if not form.is_valid():
        return _case_page(request, case, status=400, activate_form=form)
    data = form.cleaned_data
    try:
        services.case_activate(
            case=case, by=_staff(request), start_date=data["start_date"], end_date=data["end_date"], code=data["code"]
        )
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "Remote education has started; the register is marked.")


@require_POST
@staff_required(*DECIDE_ROLES)
def case_review(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, review_form=form)
    try:
        services.review_record(case=case, by=_staff(request), **form.cleaned_data)
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "The review is recorded.")


@require_POST
@staff_required(*DECIDE_ROLES)
def case_end(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, end_form=form)
    try:
        services.case_end(case=case, by=_staff(request), return_date=form.cleaned_data["return_date"])
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "The case is closed; the pupil returns to school.")


# The page view shows this many sessions at most; the CSV has them all.
REGISTER_PAGE_ROWS = 1000


@staff_required(*EXPORT_ROLES)
def register_export(request: HttpRequest) -> HttpResponse:
    """The register for a date range: on the page ("Show here"), or as a CSV for the MIS."""
    staff = _staff(request)
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        marks = selectors.register_rows(school=staff.school, start=start, end=end)
        on_page = request.GET.get("as") == "page"
        audit(
            action="register.view" if on_page else "register.export",
            actor=request.user,  # type: ignore[arg-type]
            school=staff.school,
            request=request,
            details={"from": start.isoformat(), "to": end.isoformat()},
        )
        if on_page:
            rows = list(marks[: REGISTER_PAGE_ROWS + 1])
            return render(
                request,
                "provision/register_export.html",
                {
                    "form": form,
                    "rows": rows[:REGISTER_PAGE_ROWS],
                    "more": len(rows) > REGISTER_PAGE_ROWS,
                    "limit": REGISTER_PAGE_ROWS,
                    "shown": True,
                },
            )
        response = HttpResponse(register_csv(marks), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="register-{start}-{end}.csv"'
        return response
    status = 400 if form.is_bound else 200
    return render(request, "provision/register_export.html", {"form": form}, status=status)


@require_POST
@staff_required(*DECIDE_ROLES)
def case_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_staff(viewer_of(request), code)
    try:
        services.case_withdraw(case=case, by=_staff(request), note=request.POST.get("note", "")[:300])
    except ServiceError as exc:
        return _refused(request, case, exc)
    return _done(request, case, "The case is closed without remote education.")


@staff_required(*DECIDE_ROLES)
def case_document(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    """A risk assessment or medical advice document: leaders only, and every download is logged."""
    case = get_case_for_staff(viewer_of(request), code)
    record: RiskAssessment | MedicalAdvice | None = None
    if kind == "risk":
        record = RiskAssessment.objects.filter(case=case, pk=pk).first()
    elif kind == "medical":
        record = MedicalAdvice.objects.filter(case=case, pk=pk).first()
    if record is None or not record.document:
        raise Http404("No such document.")
    audit(
        action="case.document.view",
        actor=request.user,  # type: ignore[arg-type]
        school=case.school,
        target=case,
        request=request,
        details={"kind": kind},
    )
    response = FileResponse(record.document.open("rb"), as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]
