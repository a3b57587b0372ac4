"""Sessions end for everyone at their time limit; no joins are released after it (LIV-08)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from homelearning.core.errors import InvalidTransition
from homelearning.core.models import AuditEvent
from homelearning.live import services, tasks
from homelearning.live.models import LiveSession
from tests.live.conftest import START, amy_let_in, group_call, open_session
from tests.personas import World


def test_booking_queues_the_end_for_the_time_limit(
    world: World, term, clock, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        session = group_call(world, pupils=[world.amy])
    job = DBTaskResult.objects.get(task_path="homelearning.live.tasks.session_time_up")
    assert job.run_after == START + datetime.timedelta(minutes=20)
    assert job.args_kwargs["kwargs"] == {"session_id": session.pk}


def test_time_up_ends_the_session_and_refuses_joins(  # type: ignore[no-untyped-def]
    world: World, booked: LiveSession, clock: time_machine.Traveller
) -> None:
    invite = amy_let_in(world, booked, clock)
    assert tasks.session_time_up.call(session_id=booked.pk) == "not due"
    open_session(clock, 30)
    assert tasks.session_time_up.call(session_id=booked.pk) == "ended"
    booked.refresh_from_db()
    assert booked.status == LiveSession.Status.ENDED and booked.ended_at == booked.ends_at
    assert AuditEvent.objects.filter(action="live.time_up", target_code=booked.code).exists()
    with pytest.raises(InvalidTransition, match="ended"):
        services.join_url_for(invitation=invite)
    assert tasks.session_time_up.call(session_id=booked.pk) == "not due"


def test_daily_sweep_ends_overdue_sessions(world: World, booked: LiveSession, clock: time_machine.Traveller) -> None:
    assert tasks.end_overdue_sessions.call() == 0
    clock.move_to(START + datetime.timedelta(hours=2))
    assert tasks.end_overdue_sessions.call() == 1
    assert LiveSession.objects.get(pk=booked.pk).status == LiveSession.Status.ENDED
