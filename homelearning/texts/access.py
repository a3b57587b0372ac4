"""Who sees the school's texts and the call-or-post list: the office and leaders; the allowance is the
headteacher's to set."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from homelearning.people.models import Role
from homelearning.people.viewer import Viewer
from homelearning.texts.models import CallOrPost

VIEW_ROLES = (Role.OFFICE, Role.HEADTEACHER, Role.SENIOR_LEADER)


def get_office_entry_for(viewer: Viewer, code: str) -> CallOrPost:
    if viewer.staff is None:
        raise PermissionDenied("Staff only.")
    entry = CallOrPost.objects.select_related("carer", "school").filter(code=code, school=viewer.staff.school).first()
    if entry is None:
        raise Http404("No such entry on the call-or-post list.")
    return entry
