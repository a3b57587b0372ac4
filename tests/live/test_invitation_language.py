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


@pytest.mark.usefixtures("polish")
def test_the_agreement_rules_are_in_the_familys_language(world: World, request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("booked")
    email = OutboundEmail.objects.get(kind="live_invitation", to="pat.parker@example.com")
    assert "- Moje dziecko będzie widoczne tylko pod swoim imieniem." in email.body_text
    assert "My child will appear by their first name only." not in email.body_text


def test_a_rule_the_school_reworded_shows_as_written() -> None:
    from django.utils import translation

    from homelearning.live.agreement import AGREEMENT_V1, agreement_rules

    with translation.override("pl"):
        rules = agreement_rules(AGREEMENT_V1 + "\nChildren bring a pencil.")
    assert rules[4] == "Moje dziecko będzie widoczne tylko pod swoim imieniem."
    assert rules[-1] == "Children bring a pencil." and len(rules) == 12
