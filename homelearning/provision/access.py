"""Who may see what in the provision app. Missing and "not yours" both answer 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from homelearning.people.access import pupils_visible_to
from homelearning.people.models import LEADERSHIP_ROLES, Role
from homelearning.people.viewer import Viewer
from homelearning.provision.models import Case, Closure

# Leaders declare closures and decide cases; the office records requests and exports the register.
DECIDE_ROLES = tuple(LEADERSHIP_ROLES)
RECORD_ROLES = (*DECIDE_ROLES, Role.OFFICE, Role.INCLUSION_LEAD)
EXPORT_ROLES = (*DECIDE_ROLES, Role.OFFICE)


def cases_visible_to(viewer: Viewer) -> QuerySet[Case]:
    """Every case in the school for whole-school roles; class staff see their own pupils' cases."""
    if viewer.staff is None:
        return Case.objects.none()
    return Case.objects.filter(school=viewer.staff.school, pupil__in=pupils_visible_to(viewer))


def get_case_for_staff(viewer: Viewer, code: str) -> Case:
    try:
        return cases_visible_to(viewer).select_related("pupil__school_class", "school").get(code=code)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def get_closure_for_staff(viewer: Viewer, code: str) -> Closure:
    if viewer.staff is None:
        raise Http404("No such closure.")
    try:
        return Closure.objects.select_related("school", "absence_code").get(school=viewer.staff.school, code=code)
    except Closure.DoesNotExist:
        raise Http404("No such closure.") from None
