"""Who may see and move packs on. Every helper answers 404 for "missing" and for "not yours"."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from homelearning.packs.models import Pack, PackBatch
from homelearning.people.access import pupils_visible_to
from homelearning.people.models import ClassStaff, Role, SchoolClass
from homelearning.people.viewer import Viewer

# The office runs packs through their life; leaders may step in.
MANAGE_ROLES = (Role.OFFICE, Role.HEADTEACHER, Role.SENIOR_LEADER)
# The review and the follow-up call: the child's class teacher, or a leader.
REVIEW_LEADER_ROLES = (Role.HEADTEACHER, Role.SENIOR_LEADER, Role.INCLUSION_LEAD)
# Who sees the packs page at all: the office, leaders, and class staff (for their own pupils).
VIEW_ROLES = (*MANAGE_ROLES, Role.INCLUSION_LEAD, Role.TEACHER, Role.TEACHING_ASSISTANT)


def packs_visible_to(viewer: Viewer) -> QuerySet[Pack]:
    if viewer.staff is None or not viewer.has_role(*VIEW_ROLES):
        return Pack.objects.none()
    return Pack.objects.filter(school=viewer.staff.school, pupil__in=pupils_visible_to(viewer))


def get_pack_for_staff(viewer: Viewer, code: str) -> Pack:
    try:
        return packs_visible_to(viewer).select_related("pupil__school_class", "school").get(code=code)
    except Pack.DoesNotExist:
        raise Http404("No such pack.") from None


def can_manage(viewer: Viewer) -> bool:
    return viewer.has_role(*MANAGE_ROLES)


def can_review(viewer: Viewer, pack: Pack) -> bool:
    staff = viewer.staff
    if staff is None or staff.school_id != pack.school_id:
        return False
    if viewer.has_role(*REVIEW_LEADER_ROLES):
        return True
    return (
        viewer.has_role(Role.TEACHER)
        and ClassStaff.objects.filter(
            staff=staff, school_class_id=pack.pupil.school_class_id, kind=ClassStaff.Kind.TEACHER
        ).exists()
    )


def get_class_for_printing(viewer: Viewer, code: str) -> SchoolClass:
    if viewer.staff is None or not can_manage(viewer):
        raise Http404("No such class.")
    try:
        return SchoolClass.objects.select_related("school").get(school=viewer.staff.school, code=code)
    except SchoolClass.DoesNotExist:
        raise Http404("No such class.") from None


def get_batch_for_staff(viewer: Viewer, code: str) -> PackBatch:
    if viewer.staff is None or not can_manage(viewer):
        raise Http404("No such print run.")
    try:
        return PackBatch.objects.select_related("school_class", "requested_by").get(
            school=viewer.staff.school, code=code
        )
    except PackBatch.DoesNotExist:
        raise Http404("No such print run.") from None
