"""Live sessions in the JSON API: the same rules and services as the web pages."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from homelearning.api.auth import caller_of
from homelearning.core import clock
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.live import selectors, services
from homelearning.live.access import SCHEDULE_ROLES, get_invitation_for_staff, get_session_for_staff
from homelearning.live.models import Invitation, LiveSession
from homelearning.people.access import get_class_for_staff, pupils_visible_to
from homelearning.people.models import Staff

router = Router(tags=["live sessions"])


def _refused(exc: ServiceError) -> HttpError:
    if isinstance(exc, PermissionRefused):
        return HttpError(403, str(exc))
    if isinstance(exc, InvalidTransition):
        return HttpError(409, str(exc))
    return HttpError(422, str(exc))


class SessionIn(Schema):
    class_code: str
    kind: str = Field(description="story_time or group_call")
    title: str = ""
    starts_at: datetime.datetime = Field(description="With a time zone, e.g. 2027-01-12T10:00:00+00:00")
    minutes: int
    monitor: str = Field(description="The staff code of the second member of staff.")
    pupils: list[str] = Field(description="Pupil codes of the children invited.")


class SessionOut(Schema):
    code: str
    class_code: str = Field(alias="school_class.code")
    kind: str
    title: str
    starts_at: datetime.datetime
    minutes: int
    host: str = Field(alias="host.code")
    monitor: str = Field(alias="monitor.code")
    status: str


class InvitationOut(Schema):
    code: str
    first_name: str = Field(alias="pupil.first_name")
    class_name: str = Field(alias="pupil.school_class.name")
    status: str


class EndIn(Schema):
    risk_reason: str = Field("", max_length=2000)


def _staff(request: HttpRequest) -> Staff:
    return caller_of(request).token.staff


@router.post("/live/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, payload: SessionIn) -> Status[LiveSession]:
    viewer = caller_of(request).viewer
    if not viewer.has_role(*SCHEDULE_ROLES):
        raise HttpError(403, "Only a teacher or teaching assistant of the class can set up a live session.")
    staff = _staff(request)
    school_class = get_class_for_staff(viewer, payload.class_code)
    monitor = Staff.objects.filter(school=staff.school, code=payload.monitor, is_active=True).first()
    if monitor is None:
        raise HttpError(422, "No such member of staff to watch the session.")
    pupils = list(pupils_visible_to(viewer).filter(code__in=payload.pupils))
    if len(pupils) != len(set(payload.pupils)):
        raise HttpError(422, "Some of the children are not pupils you can invite.")
    try:
        session = services.session_schedule(
            by=staff,
            school_class=school_class,
            kind=payload.kind,
            title=payload.title,
            starts_at=payload.starts_at,
            minutes=payload.minutes,
            monitor=monitor,
            pupils=pupils,
        )
    except ServiceError as exc:
        raise _refused(exc) from exc
    return Status(201, session)


@router.get("/live/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest) -> list[LiveSession]:
    return selectors.upcoming_sessions_for_staff(caller_of(request).viewer, now=clock.now())


@router.get("/live/sessions/{code}/invitations", response=list[InvitationOut])
def list_invitations(request: HttpRequest, code: str) -> list[Invitation]:
    session = get_session_for_staff(caller_of(request).viewer, code)
    return selectors.session_invitations(session)


@router.post("/live/sessions/{code}/invitations/{invitation_code}/{decision}", response=InvitationOut)
def decide(request: HttpRequest, code: str, invitation_code: str, decision: str) -> Invitation:
    viewer = caller_of(request).viewer
    session = get_session_for_staff(viewer, code)
    invitation = get_invitation_for_staff(viewer, session, invitation_code)
    try:
        if decision == "admit":
            return services.invitation_admit(invitation=invitation, by=_staff(request))
        if decision == "deny":
            return services.invitation_deny(invitation=invitation, by=_staff(request))
    except ServiceError as exc:
        raise _refused(exc) from exc
    raise HttpError(404, "Use admit or deny.")


@router.post("/live/sessions/{code}/end", response=SessionOut)
def end(request: HttpRequest, code: str, payload: EndIn) -> LiveSession:
    session = get_session_for_staff(caller_of(request).viewer, code)
    try:
        return services.session_end(session=session, by=_staff(request), risk_reason=payload.risk_reason)
    except ServiceError as exc:
        raise _refused(exc) from exc
