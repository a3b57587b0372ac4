"""The carer's waiting-room poll costs the same few queries however many children the session has."""

from __future__ import annotations

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homelearning.live import services
from homelearning.live.models import LiveSession
from homelearning.people import services as people_services
from homelearning.people.models import Pupil, PupilCarer
from tests.live.conftest import START
from tests.personas import World

# The session and user (2), the viewer's staff memberships and carer records (2), the invitation with its
# session and class (1), and the current agreement (1). The invitation is not loaded a second time.
POLL_QUERIES = 6


def _class_of(world: World, children: int) -> list[Pupil]:
    pupils = [world.amy, world.cara]
    for i in range(children - len(pupils)):
        pupil = people_services.pupil_create(
            school_class=world.oak,
            legal_first_name=f"Child{i}",
            surname="Extra",
            date_of_birth=datetime.date(2020, 1, 1),
        )
        people_services.carer_link(
            pupil=pupil,
            first_name="Carer",
            surname=f"Extra{i}",
            email=f"extra{i}@example.com",
            relationship=PupilCarer.Relationship.MOTHER,
            is_primary=True,
        )
        pupils.append(pupil)
    return pupils


def _book(world: World, pupils: list[Pupil], starts_at: datetime.datetime) -> LiveSession:
    return services.session_schedule(
        by=world.staff(world.teacher),
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title=f"Story time for {len(pupils)}",
        starts_at=starts_at,
        minutes=30,
        monitor=world.staff(world.ta),
        pupils=pupils,
    )


def _poll_queries(world: World, client_for, clock: time_machine.Traveller, session: LiveSession) -> int:  # type: ignore[no-untyped-def]
    clock.move_to(session.starts_at)
    invitation = session.invitations.get(pupil=world.amy)
    services.invitation_accept(
        invitation=invitation, user=world.parent, carer=None, agreement=services.agreement_current()
    )
    client = client_for(world.parent)
    url = reverse("live:invitation", args=[invitation.code])
    assert client.get(url).status_code == 200  # the full page once, as a carer would open it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"waiting" in response.content.lower()
    return len(queries)


def test_the_waiting_room_poll_is_a_constant_handful_of_queries(world: World, term, clock, client_for) -> None:  # type: ignore[no-untyped-def]
    small = _book(world, [world.amy, world.cara], START)
    large = _book(world, _class_of(world, 15), START + datetime.timedelta(days=1))
    few = _poll_queries(world, client_for, clock, small)
    many = _poll_queries(world, client_for, clock, large)
    assert few == many == POLL_QUERIES
