"""Who may see which live session or invitation. Every helper answers 404 for missing-or-not-yours."""

from __future__ import annotations

import datetime

from django.http import Http404

from homelearning.live.models import Invitation, LiveSession
from homelearning.people.access import classes_visible_to
from homelearning.people.models import Role
from homelearning.people.viewer import Viewer

SCHEDULE_ROLES = (Role.TEACHER, Role.TEACHING_ASSISTANT)


def get_session_for_staff(viewer: Viewer, code: str) -> LiveSession:
    """A session of a class the member of staff works with, or one they host or monitor."""
    staff = viewer.staff
    if staff is None:
        raise Http404("No such live session.")
    sessions = LiveSession.objects.filter(school=staff.school).select_related(
        "school", "school_class", "host", "monitor"
    )
    try:
        session = sessions.get(code=code)
    except LiveSession.DoesNotExist:
        raise Http404("No such live session.") from None
    if staff.pk in (session.host_id, session.monitor_id):
        return session
    if classes_visible_to(viewer).filter(pk=session.school_class_id).exists():
        return session
    raise Http404("No such live session.")


def get_invitation_for_staff(viewer: Viewer, session: LiveSession, code: str) -> Invitation:
    try:
        return Invitation.objects.select_related("session__school", "pupil").get(session=session, code=code)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


def get_invitation_for_carer(
    viewer: Viewer,
    code: str,
    *,
    now: datetime.datetime,
    before_opening: bool = False,
    after_end: bool = False,
    any_time: bool = False,
) -> Invitation:
    """The invitation of a child of the signed-in carer, only while its session is open; else 404.

    `before_opening` also allows the time before the waiting room opens (for the calendar file);
    `after_end` a session that has ended (so a page left open can say so; it lets nobody in);
    `any_time` whatever the session's state, for the invitation page to say when it opens, or that
    it has ended or been cancelled (the page lets nobody in outside the session's time).
    """
    if not viewer.carer_records:
        raise Http404("No such invitation.")
    try:
        invitation = (
            Invitation.objects.filter(pupil__carer_links__carer__in=viewer.carer_records, pupil__left_on__isnull=True)
            .select_related("session__school", "session__school_class", "pupil__school_class")
            .distinct()
            .get(code=code)
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    session = invitation.session
    if any_time:
        return invitation
    if before_opening and session.status == session.Status.SCHEDULED and now < session.ends_at:
        return invitation
    if after_end and now >= session.opens_at and (session.status == session.Status.ENDED or now >= session.ends_at):
        return invitation
    if not session.is_open(now):
        raise Http404("No such invitation.")
    return invitation
