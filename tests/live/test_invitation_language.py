"""Live-session emails in the carer's language (issue 16): the invitation (with its day and time in that
language) and the cancellation."""

from __future__ import annotations

import pytest

from homelearning.core.models import OutboundEmail
from homelearning.live import services
from homelearning.people.models import Carer
from tests.personas import World


@pytest.fixture
def polish(world: World) -> None:
    Carer.objects.filter(user=world.parent).update(preferred_language="pl")


@pytest.mark.usefixtures("polish")
def test_the_invitation_and_the_cancellation_are_in_polish(world: World, request: pytest.FixtureRequest) -> None:
    session = request.getfixturevalue("booked")  # booked once Pat reads Polish
    email = OutboundEmail.objects.get(kind="live_invitation", to="pat.parker@example.com")
    assert email.subject == "Zajęcia na żywo dla: Amy, wtorek 12 stycznia o 10:00"
    assert "Data: wtorek 12 stycznia 2027" in email.body_text
    assert "Godzina: od 10:00 do 10:30" in email.body_text
    assert "Link działa tylko dla Ciebie" in email.body_text
    services.session_cancel(session=session, by=world.staff(world.teacher))
    cancelled = OutboundEmail.objects.get(kind="live_cancelled", to="pat.parker@example.com")
    assert cancelled.subject == "Zajęcia na żywo odwołane: wtorek 12 stycznia o 10:00"


def test_without_a_language_the_invitation_is_english(world: World, booked: object) -> None:
    email = OutboundEmail.objects.get(kind="live_invitation", to="pat.parker@example.com")
    assert email.subject == "Live session for Amy: Tuesday 12 January at 10:00"
    assert "Date: Tuesday 12 January 2027" in email.body_text
