"""Who may see what in the privacy app. Helpers answer 404 for "missing" and "not yours" alike."""

from __future__ import annotations

from django.http import Http404

from homelearning.people.models import Carer, Pupil, Role
from homelearning.people.viewer import Viewer
from homelearning.privacy.models import SubjectAccessRequest
from homelearning.safeguarding.access import is_dsl_team

# Who runs subject access requests: the headteacher, senior leaders, the office (often the school's
# data protection lead), and the DSL team (who decide on safeguarding records).
SAR_ROLES = (Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE, Role.DSL, Role.DEPUTY_DSL)


def can_run_sar(viewer: Viewer) -> bool:
    return viewer.staff is not None and viewer.has_role(*SAR_ROLES)


def get_sar_for_staff(viewer: Viewer, code: str) -> SubjectAccessRequest:
    if viewer.staff is None or not can_run_sar(viewer):
        raise Http404("No such request.")
    try:
        return SubjectAccessRequest.objects.select_related("pupil", "carer", "school").get(
            school=viewer.staff.school, code=code
        )
    except SubjectAccessRequest.DoesNotExist:
        raise Http404("No such request.") from None


def may_download(viewer: Viewer, sar: SubjectAccessRequest) -> bool:
    """An export with safeguarding records in it goes only to the DSL team."""
    if not can_run_sar(viewer):
        return False
    if sar.safeguarding == SubjectAccessRequest.Safeguarding.INCLUDE:
        return is_dsl_team(viewer)
    return True


def subject_pupil(viewer: Viewer, code: str) -> Pupil | None:
    """Any pupil of the viewer's school, leavers included (they may ask too). None if not found there."""
    if viewer.staff is None:
        return None
    return Pupil.objects.filter(school=viewer.staff.school, code=code).first()


def subject_carer(viewer: Viewer, code: str) -> Carer | None:
    if viewer.staff is None:
        return None
    return Carer.objects.filter(school=viewer.staff.school, code=code).first()
