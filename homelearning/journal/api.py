"""Journal work in the JSON API: a pupil's work for staff who see the pupil, feedback by class
staff, and the weekly moderation queue for senior leaders. Files are named, never served, here."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from homelearning.api.auth import caller_of
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.journal import access, selectors, services
from homelearning.journal.models import CallRequest, Feedback, WorkItem
from homelearning.people.access import get_pupil_for_staff

router = Router(tags=["journal"])


class FileOut(Schema):
    code: str
    kind: str
    size: int


class FeedbackOut(Schema):
    by: str = Field(alias="by_label")
    text: str
    by_phone: bool
    created_at: datetime.datetime


class WorkOut(Schema):
    code: str
    pupil: str
    status: str
    day: datetime.date | None
    activity: str | None
    note: str
    sent_by: str = Field(alias="sent_by_label")
    created_at: datetime.datetime
    hidden: bool
    files: list[FileOut]
    feedback: list[FeedbackOut]

    @staticmethod
    def resolve_pupil(obj: WorkItem) -> str:
        return obj.pupil.code

    @staticmethod
    def resolve_activity(obj: WorkItem) -> str | None:
        return obj.activity.code if obj.activity else None

    @staticmethod
    def resolve_hidden(obj: WorkItem) -> bool:
        return obj.hidden_at is not None

    @staticmethod
    def resolve_files(obj: WorkItem) -> list[object]:
        return list(obj.files.all())

    @staticmethod
    def resolve_feedback(obj: WorkItem) -> list[object]:
        return list(obj.feedback.all())


class FeedbackIn(Schema):
    text: str = Field(..., max_length=4000)
    by_phone: bool = False


class WorkIn(Schema):
    note: str = Field("", max_length=1000)
    day: datetime.date | None = None
    activity: str = Field("", max_length=40, description="An activity code from the child's plan.")
    on_paper: bool = Field(False, description="Work done on paper and returned to school (FBK-03).")


class CallIn(Schema):
    reason: str = Field(..., max_length=1000)
    good_times: str = Field("", max_length=200)
    call_on: datetime.date | None = None


class CallOut(Schema):
    code: str
    pupil: str
    status: str
    reason: str
    good_times: str
    call_on: datetime.date | None
    by_staff: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_pupil(obj: CallRequest) -> str:
        return obj.pupil.code


class QueueItemOut(Schema):
    code: str
    pupil: str
    created_at: datetime.datetime
    note: str

    @staticmethod
    def resolve_pupil(obj: WorkItem) -> str:
        return obj.pupil.code


class QueueOut(Schema):
    items: list[QueueItemOut]
    comments: int
    overdue: bool


@router.get("/pupils/{code}/work", response=list[WorkOut], url_name="pupil_work", summary="A pupil's journal")
def pupil_work(request: HttpRequest, code: str) -> list[WorkItem]:
    pupil = get_pupil_for_staff(caller_of(request).viewer, code)
    return list(selectors.journal_for_pupil(pupil, for_staff=True))


@router.post(
    "/pupils/{code}/work",
    response={201: WorkOut},
    url_name="pupil_work_create",
    summary="Add work to a pupil's journal (class staff: paper work returned, or work brought in)",
)
def pupil_work_create(
    request: HttpRequest,
    code: str,
    payload: Form[WorkIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[WorkItem]:
    viewer = caller_of(request).viewer
    pupil = access.get_pupil_for_class_staff(viewer, code)
    activity = None
    if payload.activity:
        activity = access.activity_for_pupil(pupil, payload.activity)
        if activity is None:
            raise HttpError(400, "That activity is not part of this child's learning.")
    staff = viewer.staff
    if staff is None or viewer.user is None:  # pragma: no cover - a token always acts as staff
        raise HttpError(403, "Only staff use the API.")
    try:
        item = services.work_submit(
            pupil=pupil,
            by=viewer.user,
            by_label=staff.display_name,
            uploads=list(files or []),
            note=payload.note or ("Paper work returned to school." if payload.on_paper else ""),
            activity=activity,
            day=payload.day,
            on_paper=payload.on_paper,
        )
    except ServiceError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, selectors.item_with_parts(item, for_staff=True))


@router.post(
    "/pupils/{code}/calls",
    response={201: CallOut},
    url_name="pupil_call_create",
    summary="Schedule a call to a pupil's family",
)
def pupil_call_create(request: HttpRequest, code: str, payload: CallIn) -> Status[CallRequest]:
    viewer = caller_of(request).viewer
    pupil = get_pupil_for_staff(viewer, code)
    if viewer.user is None or viewer.staff is None:  # pragma: no cover - a token always acts as staff
        raise HttpError(403, "Only staff use the API.")
    try:
        call = services.call_request(
            pupil=pupil,
            by=viewer.user,
            by_label=viewer.staff.display_name,
            reason=payload.reason,
            good_times=payload.good_times,
            call_on=payload.call_on,
            by_staff=True,
        )
    except ServiceError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, call)


@router.post(
    "/journal/items/{code}/feedback",
    response={201: FeedbackOut},
    url_name="work_feedback",
    summary="Give feedback on work",
)
def work_feedback(request: HttpRequest, code: str, payload: FeedbackIn) -> Status[Feedback]:
    viewer = caller_of(request).viewer
    item = access.get_item_for(viewer, code)
    if viewer.staff is None or not access.is_class_staff(viewer, item):
        raise HttpError(403, "Only the class's teacher or teaching assistant gives feedback.")
    try:
        feedback = services.feedback_give(item=item, by=viewer.staff, text=payload.text, by_phone=payload.by_phone)
    except InvalidTransition as exc:
        raise HttpError(409, str(exc)) from None
    except ServiceError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, feedback)


@router.get("/journal/moderation", response=QueueOut, url_name="journal_moderation", summary="Weekly moderation queue")
def moderation_queue(request: HttpRequest) -> dict[str, object]:
    viewer = caller_of(request).viewer
    if not viewer.has_role(*access.MODERATOR_ROLES):
        raise HttpError(403, "The moderation queue is for senior leaders.")
    items = access.moderation_items(viewer)
    comments = access.moderation_comments(viewer)
    return {
        "items": list(selectors.moderation_queue_items(items)[:200]),
        "comments": selectors.moderation_queue_comments(comments).count(),
        "overdue": selectors.moderation_summary(items, comments).overdue,
    }
