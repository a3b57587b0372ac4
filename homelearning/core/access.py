"""Who may see what in the core app."""

from __future__ import annotations

from django.http import Http404

from homelearning.core.models import NonSchoolDay, OutboundEmail, Term
from homelearning.people.viewer import Viewer


def get_email_for_staff(viewer: Viewer, code: str) -> OutboundEmail:
    """An email sent by the viewer's school, for the office and leaders. Sign-in codes are never shown."""
    if viewer.school is None or not (viewer.is_office or viewer.is_leader):
        raise Http404("No such email.")
    try:
        return OutboundEmail.objects.get(school=viewer.school, code=code, is_secret=False)
    except OutboundEmail.DoesNotExist:
        raise Http404("No such email.") from None


def can_edit_calendar(viewer: Viewer) -> bool:
    return viewer.is_staff and (viewer.is_leader or viewer.is_office)


def get_term_for_staff(viewer: Viewer, pk: int) -> Term:
    """A term of the viewer's school, for those who keep the calendar."""
    if viewer.school is None or not can_edit_calendar(viewer):
        raise Http404("No such term.")
    try:
        return Term.objects.select_related("school").get(school=viewer.school, pk=pk)
    except Term.DoesNotExist:
        raise Http404("No such term.") from None


def get_non_school_day_for_staff(viewer: Viewer, pk: int) -> NonSchoolDay:
    if viewer.school is None or not can_edit_calendar(viewer):
        raise Http404("No such day.")
    try:
        return NonSchoolDay.objects.select_related("school").get(school=viewer.school, pk=pk)
    except NonSchoolDay.DoesNotExist:
        raise Http404("No such day.") from None
