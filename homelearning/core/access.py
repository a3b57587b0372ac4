"""Who may see what in the core app."""

from __future__ import annotations

from django.http import Http404

from homelearning.core.models import OutboundEmail
from homelearning.people.viewer import Viewer


def get_email_for_staff(viewer: Viewer, code: str) -> OutboundEmail:
    """An email sent by the viewer's school, for the office and leaders. Sign-in codes are never shown."""
    if viewer.school is None or not (viewer.is_office or viewer.is_leader):
        raise Http404("No such email.")
    try:
        return OutboundEmail.objects.get(school=viewer.school, code=code, is_secret=False)
    except OutboundEmail.DoesNotExist:
        raise Http404("No such email.") from None
