"""Who may see what in the people app.

Every helper answers 404 both for "does not exist" and for "not yours", so a
guessed code reveals nothing. Views never query Pupil, SchoolClass or Carer
themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from homelearning.people.models import ClassStaff, Pupil, PupilCarer, RememberedPhone, SchoolClass, Staff
from homelearning.people.viewer import Viewer

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)


def viewer_of(request: HttpRequest) -> Viewer:
    return request.viewer  # type: ignore[attr-defined]


def staff_required(
    *roles: str,
) -> Callable[[Callable[Concatenate[HttpRequest, P], R]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Signed-in staff of the current school, holding one of `roles` if any are given."""

    def decorator(
        view: Callable[Concatenate[HttpRequest, P], R],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            viewer = viewer_of(request)
            if not viewer.is_staff:
                raise PermissionDenied("This page is for school staff.")
            if roles and not viewer.has_role(*roles):
                raise PermissionDenied("Your role does not include this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def parent_required(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not viewer_of(request).is_parent:
            raise PermissionDenied("This page is for parents and carers.")
        return view(request, *args, **kwargs)

    return wrapped


def classes_visible_to(viewer: Viewer) -> QuerySet[SchoolClass]:
    """The classes a member of staff works with: all of them for whole-school roles, else their own."""
    staff = viewer.staff
    if staff is None:
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.filter(school=staff.school)
    if viewer.sees_whole_school:
        return classes
    return classes.filter(staff_links__staff=staff)


def pupils_visible_to(viewer: Viewer) -> QuerySet[Pupil]:
    """Pupils on roll that the viewer may see as staff."""
    staff = viewer.staff
    if staff is None:
        return Pupil.objects.none()
    pupils = Pupil.objects.filter(school=staff.school, left_on__isnull=True)
    if viewer.sees_whole_school:
        return pupils
    return pupils.filter(school_class__staff_links__staff=staff)


def get_class_for_staff(viewer: Viewer, code: str) -> SchoolClass:
    try:
        return classes_visible_to(viewer).select_related("year_group", "school").get(code=code)
    except SchoolClass.DoesNotExist:
        raise Http404("No such class.") from None


def get_pupil_for_staff(viewer: Viewer, code: str) -> Pupil:
    try:
        return pupils_visible_to(viewer).select_related("school_class__year_group", "school").get(code=code)
    except Pupil.DoesNotExist:
        raise Http404("No such pupil.") from None


def get_pupil_for_parent(viewer: Viewer, code: str) -> Pupil:
    """A child of the signed-in carer (any school), or 404."""
    if not viewer.carer_records:
        raise Http404("No such child.")
    try:
        return (
            Pupil.objects.filter(carer_links__carer__in=viewer.carer_records, left_on__isnull=True)
            .select_related("school_class__year_group", "school")
            .distinct()
            .get(code=code)
        )
    except Pupil.DoesNotExist:
        raise Http404("No such child.") from None


def can_see_contact_details(viewer: Viewer, pupil: Pupil) -> bool:
    """The office and leaders see every family's contact details; class staff see their pupils'."""
    if viewer.staff is None or viewer.staff.school_id != pupil.school_id:
        return False
    if viewer.sees_whole_school:
        return True
    return ClassStaff.objects.filter(school_class_id=pupil.school_class_id, staff=viewer.staff).exists()


def get_carer_link_for_contact(viewer: Viewer, pupil_code: str, carer_code: str) -> PupilCarer:
    """One carer of a pupil, for staff who may see (and so record) the family's contact details."""
    pupil = get_pupil_for_staff(viewer, pupil_code)
    if not can_see_contact_details(viewer, pupil):
        raise PermissionDenied("Contact details are shown to the office, school leaders and the child's class staff.")
    link = PupilCarer.objects.select_related("carer", "pupil").filter(pupil=pupil, carer__code=carer_code).first()
    if link is None:
        raise Http404("No such parent or carer of this child.")
    return link


def get_staff_in_school(viewer: Viewer, code: str) -> Staff:
    if viewer.staff is None:
        raise Http404("No such member of staff.")
    try:
        return Staff.objects.select_related("user", "school").get(school=viewer.staff.school, code=code)
    except Staff.DoesNotExist:
        raise Http404("No such member of staff.") from None


def get_phone_for_user(viewer: Viewer, code: str) -> RememberedPhone:
    """One of the signed-in person's own remembered phones, or 404."""
    if viewer.user is None:
        raise Http404("No such phone.")
    try:
        return RememberedPhone.objects.get(user=viewer.user, code=code)
    except RememberedPhone.DoesNotExist:
        raise Http404("No such phone.") from None
