"""Live sessions' background work: ending a session for everyone when its time is up."""

from __future__ import annotations

from django_tasks import task

from homelearning.core import clock
from homelearning.live import services
from homelearning.live.models import LiveSession


@task()
def session_time_up(*, session_id: int) -> str:
    """Queued for the session's end when it is booked: it ends for everyone, with no new joins after."""
    session = LiveSession.objects.filter(pk=session_id).first()
    if session is None:
        return "gone"
    return "ended" if services.session_expire(session=session) else "not due"


@task()
def end_overdue_sessions() -> int:
    """Daily safety net (a worker that was down at the time): end every session past its time."""
    ended = 0
    for session in LiveSession.objects.filter(status=LiveSession.Status.SCHEDULED, starts_at__lt=clock.now()):
        ended += services.session_expire(session=session)
    return ended
