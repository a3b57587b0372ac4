from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homelearning.core.models import Term
from homelearning.live import services
from homelearning.live.models import LiveSession
from tests.personas import World

LONDON = ZoneInfo("Europe/London")
# Monday 11 January 2027, 09:00: in the spring term.
NOW = datetime.datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)
# Tuesday 12 January 2027, 10:00.
START = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)


@pytest.fixture
def term(world: World) -> Term:
    return Term.objects.create(
        school=world.school, name="Spring", first_day=datetime.date(2027, 1, 4), last_day=datetime.date(2027, 3, 26)
    )


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booked(world: World, term: Term, clock: time_machine.Traveller) -> LiveSession:
    """Story time for Oak tomorrow at 10:00, Mr Teal hosting, Tara watching, Amy and Cara invited."""
    return services.session_schedule(
        by=world.staff(world.teacher),
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title="Story time",
        starts_at=START,
        minutes=30,
        monitor=world.staff(world.ta),
        pupils=[world.amy, world.cara],
    )


def open_session(clock: time_machine.Traveller, minutes_after_start: int = 0) -> None:
    clock.move_to(START + datetime.timedelta(minutes=minutes_after_start))
