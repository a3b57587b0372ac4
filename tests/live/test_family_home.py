"""A parent's home page names their children's live sessions in the coming week, with when the waiting room opens."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from homelearning.live import services
from homelearning.live.models import Invitation, LiveSession
from tests.live.conftest import START, group_call, open_session
from tests.personas import World


def _live_section(html: str) -> str:
    start = html.find('id="live-heading"')
    return "" if start == -1 else html[start : html.find("</section>", start)]


def test_the_session_tomorrow_is_on_the_home_page(world: World, client_for, booked: LiveSession) -> None:  # type: ignore[no-untyped-def]
    section = _live_section(client_for(world.parent).get("/").content.decode())
    invite = booked.invitations.get(pupil=world.amy)
    assert "Story time for Amy, Tuesday 12 January at 10:00" in section
    assert "The waiting room opens at 09:50." in section
    assert reverse("live:invitation", args=[invite.code]) in section
    # Cara's invitation is another family's: neither her name nor her link is here.
    assert "Cara" not in section
    assert booked.invitations.get(pupil=world.cara).code not in section


def test_sessions_over_cancelled_or_far_off_are_not_listed(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:
    group_call(world, pupils=[world.amy], starts_at=START + datetime.timedelta(days=8), title="Far call")
    soon = group_call(world, pupils=[world.amy], starts_at=START + datetime.timedelta(days=1), title="Soon call")
    section = _live_section(client_for(world.parent).get("/").content.decode())
    assert "Story time for Amy" in section and "Soon call for Amy" in section and "Far call" not in section
    assert section.index("Story time") < section.index("Soon call")  # soonest first
    services.session_cancel(session=soon, by=world.staff(world.teacher))
    open_session(clock, 29)  # story time's last minute: still listed
    assert "Story time for Amy" in _live_section(client_for(world.parent).get("/").content.decode())
    open_session(clock, 30)
    assert _live_section(client_for(world.parent).get("/").content.decode()) == ""


def test_a_child_turned_away_or_held_is_not_offered_a_way_in(world: World, client_for, booked: LiveSession) -> None:  # type: ignore[no-untyped-def]
    for status in (Invitation.Status.DENIED, Invitation.Status.HELD):
        booked.invitations.filter(pupil=world.amy).update(status=status)
        assert _live_section(client_for(world.parent).get("/").content.decode()) == ""
