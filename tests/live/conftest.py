from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homelearning.core.models import Term
from homelearning.live import services
from homelearning.live.models import Invitation, LiveSession
from homelearning.people import services as people_services
from homelearning.people.models import Carer, Pupil, PupilCarer
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


@pytest.fixture
def dad(world: World) -> Carer:
    """Amy's father, not the primary carer."""
    return people_services.carer_link(
        pupil=world.amy,
        first_name="Paul",
        surname="Parker",
        email="paul.parker@example.com",
        relationship=PupilCarer.Relationship.FATHER,
    ).carer


def open_session(clock: time_machine.Traveller, minutes_after_start: int = 0) -> None:
    clock.move_to(START + datetime.timedelta(minutes=minutes_after_start))


def group_call(
    world: World, *, pupils: list[Pupil] | None = None, starts_at: datetime.datetime = START, title: str = "Group call"
) -> LiveSession:
    """A 20-minute group call for Oak, Mr Teal hosting and Tara watching; Amy and Cara invited unless said."""
    return services.session_schedule(
        by=world.staff(world.teacher),
        school_class=world.oak,
        kind=LiveSession.Kind.GROUP_CALL,
        title=title,
        starts_at=starts_at,
        minutes=20,
        monitor=world.staff(world.ta),
        pupils=pupils or [world.amy, world.cara],
    )


def amy_let_in(world: World, session: LiveSession, clock: time_machine.Traveller) -> Invitation:
    """The session has started, Amy's parent has accepted the agreement and Mr Teal has let her in."""
    open_session(clock)
    invitation = services.invitation_accept(
        invitation=session.invitations.get(pupil=world.amy),
        user=world.parent,
        carer=None,
        agreement=services.agreement_current(),
    )
    services.invitation_admit(invitation=invitation, by=world.staff(world.teacher))
    return invitation
