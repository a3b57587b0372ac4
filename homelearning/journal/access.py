"""Who may see and act on journal work. Missing and not-yours both answer 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from homelearning.journal.models import CallRequest, Comment, WorkFile, WorkItem
from homelearning.learning.models import Activity
from homelearning.people.access import pupils_visible_to
from homelearning.people.models import ClassStaff, Pupil, Role, SchoolClass
from homelearning.people.viewer import Viewer

MODERATOR_ROLES = (Role.HEADTEACHER, Role.SENIOR_LEADER)


def items_visible_to(viewer: Viewer) -> QuerySet[WorkItem]:
    """Staff see their pupils' work; carers see their own children's work (never another family's)."""
    if viewer.staff is not None:
        return WorkItem.objects.filter(pupil__in=pupils_visible_to(viewer))
    if viewer.carer_records:
        return WorkItem.objects.filter(
            pupil__carer_links__carer__in=viewer.carer_records, pupil__left_on__isnull=True, hidden_at__isnull=True
        ).distinct()
    return WorkItem.objects.none()


def get_item_for(viewer: Viewer, code: str) -> WorkItem:
    try:
        return items_visible_to(viewer).select_related("pupil__school_class", "school", "activity").get(code=code)
    except WorkItem.DoesNotExist:
        raise Http404("No such piece of work.") from None


def get_file_for(viewer: Viewer, code: str) -> WorkFile:
    try:
        return WorkFile.objects.select_related("item").get(code=code, item__in=items_visible_to(viewer))
    except WorkFile.DoesNotExist:
        raise Http404("No such file.") from None


def is_class_staff(viewer: Viewer, item: WorkItem) -> bool:
    """Teachers and TAs of the child's class: the people who give feedback and hide comments."""
    if viewer.staff is None or viewer.staff.school_id != item.school_id:
        return False
    return ClassStaff.objects.filter(school_class_id=item.pupil.school_class_id, staff=viewer.staff).exists()


def can_moderate(viewer: Viewer, item: WorkItem) -> bool:
    return is_class_staff(viewer, item) or (
        viewer.staff is not None and viewer.staff.school_id == item.school_id and viewer.has_role(*MODERATOR_ROLES)
    )


def get_comment_for_staff(viewer: Viewer, item: WorkItem, code: str) -> Comment:
    try:
        return item.comments.get(code=code)
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None


def moderation_items(viewer: Viewer) -> QuerySet[WorkItem]:
    if viewer.staff is None or not viewer.has_role(*MODERATOR_ROLES):
        return WorkItem.objects.none()
    return WorkItem.objects.filter(school=viewer.staff.school)


def moderation_comments(viewer: Viewer) -> QuerySet[Comment]:
    if viewer.staff is None or not viewer.has_role(*MODERATOR_ROLES):
        return Comment.objects.none()
    return Comment.objects.filter(Q(item__school=viewer.staff.school))


def activity_for_pupil(pupil: Pupil, code: str) -> Activity | None:
    """An activity of the child's class plan (or bespoke for the child), else None."""
    return (
        Activity.objects.select_related("plan")
        .filter(code=code, plan__school_class_id=pupil.school_class_id)
        .filter(Q(pupil__isnull=True) | Q(pupil=pupil))
        .first()
    )


def calls_visible_to(viewer: Viewer) -> QuerySet[CallRequest]:
    """Staff see call requests for the pupils they see."""
    if viewer.staff is None:
        return CallRequest.objects.none()
    return CallRequest.objects.filter(pupil__in=pupils_visible_to(viewer))


def calls_for_class_staff(viewer: Viewer) -> QuerySet[CallRequest]:
    """The calls a teacher or TA makes: those for the children of their own classes."""
    if viewer.staff is None:
        return CallRequest.objects.none()
    return CallRequest.objects.filter(
        school=viewer.staff.school, pupil__school_class__staff_links__staff=viewer.staff
    ).distinct()


def get_call_for_staff(viewer: Viewer, code: str) -> CallRequest:
    try:
        return calls_visible_to(viewer).select_related("pupil", "school").get(code=code)
    except CallRequest.DoesNotExist:
        raise Http404("No such call.") from None


def teaches_class(viewer: Viewer, school_class: SchoolClass) -> bool:
    """Whether the viewer is one of this class's own staff (teacher or TA): who records paper work returned."""
    if viewer.staff is None:
        return False
    return ClassStaff.objects.filter(school_class=school_class, staff=viewer.staff).exists()


def get_pupil_for_class_staff(viewer: Viewer, code: str) -> Pupil:
    """A pupil of one of the viewer's own classes (teacher or TA), or 404."""
    if viewer.staff is None:
        raise Http404("No such pupil.")
    try:
        return (
            Pupil.objects.filter(
                school=viewer.staff.school,
                left_on__isnull=True,
                school_class__staff_links__staff=viewer.staff,
            )
            .select_related("school_class", "school")
            .distinct()
            .get(code=code)
        )
    except Pupil.DoesNotExist:
        raise Http404("No such pupil.") from None
