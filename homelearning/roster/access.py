"""Who may import: the office and the headteacher, for their own school only."""

from __future__ import annotations

from django.http import Http404

from homelearning.people.models import Role
from homelearning.people.viewer import Viewer
from homelearning.roster.models import ImportBatch

IMPORT_ROLES = (Role.OFFICE, Role.HEADTEACHER)


def get_batch_for_staff(viewer: Viewer, code: str) -> ImportBatch:
    """An import of the viewer's school, or 404 for one that is missing or another school's."""
    staff = viewer.staff
    if staff is None or not viewer.has_role(*IMPORT_ROLES):
        raise Http404("No such import.")
    try:
        return ImportBatch.objects.select_related("school", "created_by", "committed_by").get(
            school=staff.school, code=code
        )
    except ImportBatch.DoesNotExist:
        raise Http404("No such import.") from None
