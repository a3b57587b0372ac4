"""Who sees which enquiry: the office (and headteacher) general ones, a class's staff the learning ones
about its children, a carer their own. Missing and not-yours both answer 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from homelearning.contact.models import Enquiry
from homelearning.people.models import Role
from homelearning.people.viewer import Viewer

OFFICE_ROLES = (Role.OFFICE, Role.HEADTEACHER)


def enquiries_for_staff(viewer: Viewer) -> QuerySet[Enquiry]:
    staff = viewer.staff
    if staff is None:
        return Enquiry.objects.none()
    mine = Q(about=Enquiry.About.LEARNING, pupil__school_class__staff_links__staff=staff)
    if viewer.has_role(*OFFICE_ROLES):
        mine |= Q(about=Enquiry.About.GENERAL)
    return Enquiry.objects.filter(Q(school=staff.school) & mine).distinct()


def enquiries_for_carer(viewer: Viewer) -> QuerySet[Enquiry]:
    if viewer.user is None or not viewer.carer_records:
        return Enquiry.objects.none()
    return Enquiry.objects.filter(asked_by=viewer.user)


def get_enquiry_for(viewer: Viewer, code: str) -> Enquiry:
    """An enquiry the viewer answers as staff, or asked as a carer: a teacher who is also a parent sees
    both their school's questions and their own."""
    for found in (enquiries_for_staff(viewer), enquiries_for_carer(viewer)):
        enquiry = found.select_related("pupil__school_class", "school").filter(code=code).first()
        if enquiry is not None:
            return enquiry
    raise Http404("No such question.")


def get_enquiry_for_staff(viewer: Viewer, code: str) -> Enquiry:
    """An enquiry the viewer may answer as staff (never merely their own question)."""
    try:
        return enquiries_for_staff(viewer).select_related("pupil__school_class", "school").get(code=code)
    except Enquiry.DoesNotExist:
        raise Http404("No such question.") from None


def answers_as_staff(viewer: Viewer, enquiry: Enquiry) -> bool:
    return enquiries_for_staff(viewer).filter(pk=enquiry.pk).exists()
