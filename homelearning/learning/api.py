"""Daily learning in the JSON API: a pupil's day for any staff who may see the pupil; plans and
activities written by the staff who plan the class."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from homelearning.api.auth import caller_of
from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.learning import selectors, services
from homelearning.learning.access import (
    PLANNER_ROLES,
    get_activity_for_planner,
    get_class_for_planner,
    get_plan_for_planner,
)
from homelearning.learning.models import MAX_ACTIVITY_MINUTES, MIN_ACTIVITY_MINUTES, Activity, Plan, Resource, Subject
from homelearning.people.access import get_pupil_for_staff
from homelearning.people.models import Staff
from homelearning.people.selectors import policy_in_force

router = Router(tags=["learning"])
_DATE = Query(None, description="YYYY-MM-DD; today if left out.")


class ResourceOut(Schema):
    code: str
    kind: str
    title: str
    url: str
    provider: str
    note: str

    @staticmethod
    def resolve_url(obj: Resource) -> str:
        # Files are served only to signed-in people through the web app; the API names them.
        return obj.url


class ActivityOut(Schema):
    code: str
    position: int
    subject: str
    title: str
    instructions: str
    minutes: int
    bespoke: bool
    resources: list[ResourceOut]

    @staticmethod
    def resolve_subject(obj: Activity) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_bespoke(obj: Activity) -> bool:
        return obj.pupil_id is not None

    @staticmethod
    def resolve_resources(obj: Activity) -> list[Resource]:
        prefetched: list[Resource] | None = getattr(obj, "resource_list", None)
        return prefetched if prefetched is not None else list(obj.resources.all())


class PupilPlanOut(Schema):
    pupil: str
    first_name: str
    date: datetime.date
    plan: str | None
    planned_minutes: int
    entitlement_minutes: int
    activities: list[ActivityOut]


class PlanOut(Schema):
    code: str
    class_code: str
    date: datetime.date
    planned_minutes: int
    activities: list[ActivityOut]


class PlanIn(Schema):
    date: datetime.date


class ActivityIn(Schema):
    subject: str = Field(..., description="A subject code, e.g. maths, reading, science.")
    title: str = Field(..., min_length=1, max_length=120)
    minutes: int = Field(..., ge=MIN_ACTIVITY_MINUTES, le=MAX_ACTIVITY_MINUTES)
    instructions: str = Field("", max_length=4000)
    resources: list[str] = Field(default_factory=list, description="Resource codes from the school's library.")
    confirm_over: bool = Field(False, description="Save even if the day goes over the policy's daily minutes.")


class ActivityPatch(Schema):
    subject: str | None = None
    title: str | None = Field(None, min_length=1, max_length=120)
    minutes: int | None = Field(None, ge=MIN_ACTIVITY_MINUTES, le=MAX_ACTIVITY_MINUTES)
    instructions: str | None = Field(None, max_length=4000)
    resources: list[str] | None = None
    confirm_over: bool = False


def _planner(request: HttpRequest) -> Staff:
    viewer = caller_of(request).viewer
    if not viewer.has_role(*PLANNER_ROLES) or viewer.staff is None:
        raise HttpError(403, "Your role does not include planning learning.")
    return viewer.staff


def _subject(code: str) -> Subject:
    subject = Subject.objects.filter(code=code).first()
    if subject is None:
        raise HttpError(422, f"No subject with the code {code!r}.")
    return subject


def _resources(staff: Staff, codes: list[str]) -> list[Resource]:
    found = list(Resource.objects.filter(school=staff.school, code__in=codes))
    if len(found) != len(set(codes)):
        raise HttpError(422, "Some resources are not in your school's library.")
    return found


def _plan_out(plan: Plan) -> dict[str, object]:
    fresh = selectors.plan_for_day(plan.school_class, plan.date)
    activities = fresh.class_activities if fresh is not None else []  # type: ignore[attr-defined]
    return {
        "code": plan.code,
        "class_code": plan.school_class.code,
        "date": plan.date,
        "planned_minutes": sum(a.minutes for a in activities),
        "activities": activities,
    }


def _refused(exc: ServiceError) -> HttpError:
    status = 409 if isinstance(exc, services.OverEntitlement) else 400
    return HttpError(status, str(exc))


@router.get("/pupils/{code}/plan", response=PupilPlanOut, url_name="pupil_plan", summary="A pupil's learning for a day")
def pupil_plan(
    request: HttpRequest,
    code: str,
    date: datetime.date | None = _DATE,
) -> dict[str, object]:
    caller = caller_of(request)
    pupil = get_pupil_for_staff(caller.viewer, code)
    day = selectors.pupil_day(pupil, date or clock.today())
    audit(
        action="api.pupil.plan",
        actor=caller.token.staff.user,
        school=caller.token.staff.school,
        target=pupil,
        request=request,
        details={"token": caller.token.prefix, "date": day.date.isoformat()},
    )
    return {
        "pupil": pupil.code,
        "first_name": pupil.first_name,
        "date": day.date,
        "plan": day.plan.code if day.plan else None,
        "planned_minutes": day.total_minutes,
        "entitlement_minutes": policy_in_force(pupil.school).daily_learning_minutes,
        "activities": day.activities,
    }


@router.post("/classes/{code}/plans", response={201: PlanOut}, url_name="plan_create", summary="Start a class's plan")
def plan_create(request: HttpRequest, code: str, payload: PlanIn) -> Status[dict[str, object]]:
    staff = _planner(request)
    school_class = get_class_for_planner(caller_of(request).viewer, code)
    try:
        plan = services.plan_get_or_create(school_class=school_class, day=payload.date, by=staff)
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, _plan_out(plan))


@router.get("/plans/{code}", response=PlanOut, url_name="plan_detail", summary="A class's plan")
def plan_detail(request: HttpRequest, code: str) -> dict[str, object]:
    _planner(request)
    return _plan_out(get_plan_for_planner(caller_of(request).viewer, code))


@router.delete("/plans/{code}", response={204: None}, url_name="plan_delete", summary="Delete a class's plan")
def plan_delete(request: HttpRequest, code: str) -> Status[None]:
    staff = _planner(request)
    plan = get_plan_for_planner(caller_of(request).viewer, code)
    try:
        services.plan_delete(plan=plan, by=staff)
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(204, None)


@router.post(
    "/plans/{code}/activities", response={201: ActivityOut}, url_name="activity_create", summary="Add an activity"
)
def activity_create(request: HttpRequest, code: str, payload: ActivityIn) -> Status[Activity]:
    staff = _planner(request)
    plan = get_plan_for_planner(caller_of(request).viewer, code)
    try:
        activity = services.activity_add(
            plan=plan,
            by=staff,
            subject=_subject(payload.subject),
            title=payload.title,
            minutes=payload.minutes,
            instructions=payload.instructions,
            resources=_resources(staff, payload.resources),
            confirm_over=payload.confirm_over,
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(201, get_object_or_404(Activity.objects.select_related("subject"), pk=activity.pk))


@router.patch("/activities/{code}", response=ActivityOut, url_name="activity_update", summary="Change an activity")
def activity_update(request: HttpRequest, code: str, payload: ActivityPatch) -> Activity:
    staff = _planner(request)
    activity = get_activity_for_planner(caller_of(request).viewer, code)
    try:
        updated = services.activity_update(
            activity=activity,
            by=staff,
            subject=_subject(payload.subject) if payload.subject is not None else activity.subject,
            title=payload.title if payload.title is not None else activity.title,
            minutes=payload.minutes if payload.minutes is not None else activity.minutes,
            instructions=payload.instructions if payload.instructions is not None else activity.instructions,
            resources=_resources(staff, payload.resources)
            if payload.resources is not None
            else list(activity.resources.all()),
            confirm_over=payload.confirm_over,
        )
    except ServiceError as exc:
        raise _refused(exc) from None
    return updated


@router.delete("/activities/{code}", response={204: None}, url_name="activity_delete", summary="Remove an activity")
def activity_delete(request: HttpRequest, code: str) -> Status[None]:
    staff = _planner(request)
    activity = get_activity_for_planner(caller_of(request).viewer, code)
    try:
        services.activity_delete(activity=activity, by=staff)
    except ServiceError as exc:
        raise _refused(exc) from None
    return Status(204, None)
