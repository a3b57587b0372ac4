"""Closures, individual cases and the register in the JSON API: the same rules and services as the web."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from homelearning.api.auth import caller_of
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.people.access import get_pupil_for_staff
from homelearning.people.models import SchoolClass, Staff, YearGroup
from homelearning.provision import selectors, services
from homelearning.provision.access import (
    DECIDE_ROLES,
    EXPORT_ROLES,
    RECORD_ROLES,
    cases_visible_to,
    get_case_for_staff,
)
from homelearning.provision.exports import register_csv
from homelearning.provision.forms import MAX_EXPORT_DAYS
from homelearning.provision.models import AgreementParty, Case, Closure

router = Router(tags=["remote education"])
_FROM = Query(..., alias="from", description="First day, YYYY-MM-DD.")
_TO = Query(..., alias="to", description="Last day, YYYY-MM-DD.")
_FORMAT = Query("json", description="json or csv")


def _refused(exc: ServiceError) -> HttpError:
    if isinstance(exc, PermissionRefused):
        return HttpError(403, str(exc))
    if isinstance(exc, InvalidTransition):
        return HttpError(409, str(exc))
    return HttpError(422, str(exc))


def _staff(request: HttpRequest, *roles: str) -> Staff:
    caller = caller_of(request)
    if roles and not caller.viewer.has_role(*roles):
        raise HttpError(403, "Your role does not allow this.")
    return caller.token.staff


class ClosureIn(Schema):
    reason: str = Field(description="government_guidance, public_health, extreme_weather or critical_incident")
    scope: str = Field(description="whole, year_groups or classes")
    first_day: datetime.date
    last_day: datetime.date
    year_groups: list[str] = Field(default_factory=list, description="Year group names, for scope year_groups.")
    classes: list[str] = Field(default_factory=list, description="Class codes, for scope classes.")


class ClosureOut(Schema):
    code: str
    reason: str
    scope: str
    first_day: datetime.date
    last_day: datetime.date
    status: str
    absence_code: str = Field(alias="absence_code_id")
    year_groups: list[str]
    classes: list[str]

    @staticmethod
    def resolve_year_groups(obj: Closure) -> list[str]:
        return [yg.name for yg in obj.year_groups.all()]

    @staticmethod
    def resolve_classes(obj: Closure) -> list[str]:
        return [c.code for c in obj.classes.all()]


class PartyOut(Schema):
    id: int
    kind: str
    label: str
    agreed_on: datetime.date | None
    agreed_how: str


class CaseOut(Schema):
    code: str
    pupil: str
    reason: str
    status: str
    refusal_reason: str
    requested_by: str
    requested_on: datetime.date
    absence_code: str = Field(alias="absence_code_id")
    start_date: datetime.date | None
    end_date: datetime.date | None
    next_review_date: datetime.date | None
    return_date: datetime.date | None

    @staticmethod
    def resolve_pupil(obj: Case) -> str:
        return obj.pupil.code


class CaseDetailOut(CaseOut):
    missing: list[str]
    parties: list[PartyOut]

    @staticmethod
    def resolve_missing(obj: Case) -> list[str]:
        return services.case_missing(obj) if obj.status == Case.Status.PREPARING else []

    @staticmethod
    def resolve_parties(obj: Case) -> list[AgreementParty]:
        return list(obj.parties.all())


class CaseIn(Schema):
    pupil: str = Field(description="The pupil's code.")
    requested_by: str
    requested_on: datetime.date
    reason: str = Field(description="medical, mobility, holiday, short_illness or misbehaviour")
    notes: str = ""
    medical_professional_involved: bool = False


class AssessmentIn(Schema):
    assessed_on: datetime.date
    assessed_by: str
    findings: str


class AdviceIn(Schema):
    advised_by: str
    advised_on: datetime.date
    summary: str


class AgreementIn(Schema):
    party: int = Field(description="The party's id, from the case's parties.")
    agreed_on: datetime.date
    how: str = Field(description="meeting, signed_form or email")
    note: str = ""


class StartIn(Schema):
    start_date: datetime.date
    end_date: datetime.date
    code: str | None = Field(None, description="Register code; the school's setting if left out.")


class ReviewIn(Schema):
    held_on: datetime.date
    support: str
    reintegration_plan: str
    reintegration_steps: str = ""
    decision: str = Field(description="continue or return")
    new_end_date: datetime.date | None = None
    return_date: datetime.date | None = None


class EndIn(Schema):
    return_date: datetime.date


class MarkOut(Schema):
    upn: str | None
    pupil: str
    surname: str
    forename: str
    date: datetime.date
    session: str
    code: str
    reason: str = Field(description="Why the pupil is absent: the closure's or the case's reason.")
    reason_label: str


def _closure_out(closure: Closure) -> Closure:
    return Closure.objects.prefetch_related("year_groups", "classes").get(pk=closure.pk)


@router.get("/closures", response=list[ClosureOut], url_name="closures", summary="Your school's closures")
def closure_list(request: HttpRequest) -> list[Closure]:
    return selectors.closures_for_school(_staff(request).school)


@router.post(
    "/closures", response={200: ClosureOut, 201: ClosureOut}, url_name="closure_declare", summary="Declare a closure"
)
def closure_declare(request: HttpRequest, payload: ClosureIn) -> Status[Closure]:
    staff = _staff(request, *DECIDE_ROLES)
    year_groups = list(YearGroup.objects.filter(school=staff.school, name__in=payload.year_groups))
    classes = list(SchoolClass.objects.filter(school=staff.school, code__in=payload.classes))
    if len(year_groups) != len(set(payload.year_groups)) or len(classes) != len(set(payload.classes)):
        raise HttpError(422, "Some year groups or classes are not in your school.")
    try:
        closure, created = services.closure_declare(
            by=staff,
            reason=payload.reason,
            scope=payload.scope,
            first_day=payload.first_day,
            last_day=payload.last_day,
            year_groups=year_groups,
            classes=classes,
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201 if created else 200, _closure_out(closure))


@router.get("/cases", response=list[CaseOut], url_name="cases", summary="Individual cases you may see")
def case_list(request: HttpRequest) -> list[Case]:
    viewer = caller_of(request).viewer
    return list(cases_visible_to(viewer).select_related("pupil").order_by("-recorded_at", "-id")[:500])


@router.post("/cases", response={201: CaseDetailOut}, url_name="case_request", summary="Record a request")
def case_request(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    staff = _staff(request, *RECORD_ROLES)
    pupil = get_pupil_for_staff(caller_of(request).viewer, payload.pupil)
    try:
        case = services.case_request(
            by=staff,
            pupil=pupil,
            requested_by=payload.requested_by,
            requested_on=payload.requested_on,
            reason=payload.reason,
            notes=payload.notes,
            medical_professional_involved=payload.medical_professional_involved,
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, selectors.case_detail(case))


@router.get("/cases/{code}", response=CaseDetailOut, url_name="case", summary="One case, with who is missing")
def case_detail(request: HttpRequest, code: str) -> Case:
    return selectors.case_detail(get_case_for_staff(caller_of(request).viewer, code))


def _case_action(request: HttpRequest, code: str) -> tuple[Staff, Case]:
    staff = _staff(request, *DECIDE_ROLES)
    return staff, get_case_for_staff(caller_of(request).viewer, code)


@router.post("/cases/{code}/risk-assessment", response={201: CaseDetailOut}, url_name="case_risk")
def case_risk(request: HttpRequest, code: str, payload: AssessmentIn) -> Status[Case]:
    staff, case = _case_action(request, code)
    try:
        services.risk_assessment_record(case=case, by=staff, **payload.dict())
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, selectors.case_detail(case))


@router.post("/cases/{code}/medical-advice", response={201: CaseDetailOut}, url_name="case_advice")
def case_advice(request: HttpRequest, code: str, payload: AdviceIn) -> Status[Case]:
    staff, case = _case_action(request, code)
    try:
        services.medical_advice_record(case=case, by=staff, **payload.dict())
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, selectors.case_detail(case))


@router.post("/cases/{code}/agreements", response={201: CaseDetailOut}, url_name="case_agreement")
def case_agreement(request: HttpRequest, code: str, payload: AgreementIn) -> Status[Case]:
    staff, case = _case_action(request, code)
    party = AgreementParty.objects.filter(case=case, pk=payload.party).first()
    if party is None:
        raise HttpError(422, "That party is not part of this case.")
    try:
        services.agreement_record(
            case=case, party=party, by=staff, agreed_on=payload.agreed_on, how=payload.how, note=payload.note
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, selectors.case_detail(case))


@router.post("/cases/{code}/start", response=CaseDetailOut, url_name="case_start")
def case_start(request: HttpRequest, code: str, payload: StartIn) -> Case:
    staff, case = _case_action(request, code)
    try:
        case = services.case_activate(
            case=case, by=staff, start_date=payload.start_date, end_date=payload.end_date, code=payload.code
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return selectors.case_detail(case)


@router.post("/cases/{code}/reviews", response={201: CaseDetailOut}, url_name="case_review")
def case_review(request: HttpRequest, code: str, payload: ReviewIn) -> Status[Case]:
    staff, case = _case_action(request, code)
    try:
        services.review_record(case=case, by=staff, **payload.dict())
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, selectors.case_detail(case))


@router.post("/cases/{code}/end", response=CaseDetailOut, url_name="case_end")
def case_end(request: HttpRequest, code: str, payload: EndIn) -> Case:
    staff, case = _case_action(request, code)
    try:
        case = services.case_end(case=case, by=staff, return_date=payload.return_date)
    except ServiceError as exc:
        raise _refused(exc) from None
    return selectors.case_detail(case)


@router.get("/attendance", response=list[MarkOut], url_name="attendance", summary="The register (JSON or CSV)")
def attendance(
    request: HttpRequest,
    start: datetime.date = _FROM,
    end: datetime.date = _TO,
    format: str = _FORMAT,
) -> HttpResponse | list[dict[str, object]]:
    staff = _staff(request, *EXPORT_ROLES)
    if end < start:
        raise HttpError(422, "The end of the range cannot be before its start.")
    if (end - start).days > MAX_EXPORT_DAYS:
        raise HttpError(422, "Ask for at most a year at a time.")
    if format not in {"json", "csv"}:
        raise HttpError(422, "The format is json or csv.")
    marks = selectors.register_rows(school=staff.school, start=start, end=end)
    audit(
        action="api.register.export",
        actor=staff.user,
        school=staff.school,
        request=request,
        details={"from": start.isoformat(), "to": end.isoformat(), "format": format},
    )
    if format == "csv":
        response = HttpResponse(register_csv(marks), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="register-{start}-{end}.csv"'
        return response
    return [
        {
            "upn": m.pupil.upn,
            "pupil": m.pupil.code,
            "surname": m.pupil.surname,
            "forename": m.pupil.legal_first_name,
            "date": m.date,
            "session": m.session,
            "code": m.absence_code_id,
            "reason": m.reason,
            "reason_label": m.reason_label,
        }
        for m in marks
    ]
