"""A class teacher's home page starts with the day (issue 19): work waiting, calls due, live sessions today and
families' questions, each a link to where it is dealt with; the class list folds away."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homelearning.contact import services as contact
from homelearning.journal import services as journal
from homelearning.live import services as live
from homelearning.live.models import LiveSession
from tests.journal.builders import sent_work
from tests.personas import World

LONDON = ZoneInfo("Europe/London")
# Tuesday 8 December 2026, 08:30: a school day.
NOW = datetime.datetime(2026, 12, 8, 8, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def terms(world: World) -> World:
    from tests.provision.builders import school_terms

    return school_terms(world)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _today(html: str) -> str:
    start = html.index('id="today-heading"')
    return html[start : html.index("</section>", start)]


def test_the_day_comes_first_with_real_counts(world: World, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    sent_work(world.amy, world.parent)
    sent_work(world.cara, world.other_parent, photo=False)
    sent_work(world.ben, world.parent, photo=False)  # Ash class: not Mr Teal's
    journal.call_request(pupil=world.amy, by=world.parent, by_label="Pat", reason="Reading book")
    journal.call_request(
        pupil=world.cara,
        by=world.teacher,
        by_label="Mr Teal",
        reason="Check-in",
        by_staff=True,
        call_on=datetime.date(2026, 12, 9),
    )  # tomorrow: not due today
    journal.call_request(pupil=world.ben, by=world.parent, by_label="Pat", reason="Spellings")  # Ash
    contact.enquiry_send(
        school=world.school, by=world.parent, by_label="Pat", about="learning", message="Which book?", pupil=world.amy
    )
    live.session_schedule(
        by=world.staff(world.teacher),
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title="Story time",
        starts_at=datetime.datetime(2026, 12, 8, 14, 0, tzinfo=LONDON),
        minutes=30,
        monitor=world.staff(world.ta),
        pupils=[world.amy, world.cara],
    )
    live.session_schedule(
        by=world.staff(world.teacher),
        school_class=world.oak,
        kind=LiveSession.Kind.GROUP_CALL,
        title="Tomorrow's call",
        starts_at=datetime.datetime(2026, 12, 9, 10, 0, tzinfo=LONDON),
        minutes=20,
        monitor=world.staff(world.ta),
        pupils=[world.amy],
    )

    html = client_for(world.teacher).get("/").content.decode()
    day = _today(html)
    assert "Today, Tuesday 8 December" in day
    assert re.search(r"Oak: 2 pieces of work</a>", day)
    assert "Amy Parker</a>" in day and "Cara Quinn</a>" not in day and "Ben" not in day
    assert "14:00 Story time</a>" in day and "2 children, you host" in day and "Tomorrow" not in day
    assert "1 question to answer" in day
    # The class list is still there, folded.
    assert "<summary>Pupils (2)</summary>" in html
    assert html.index('id="today-heading"') < html.index('id="classes-heading"')

    ta_day = _today(client_for(world.ta).get("/").content.decode())
    assert "you watch" in ta_day and "Oak: 2 pieces of work" in ta_day
    ash_day = _today(client_for(world.teacher_ash).get("/").content.decode())
    assert "Ash: 1 piece of work" in ash_day and "Story time" not in ash_day and "Ben Parker</a>" in ash_day


def test_a_quiet_day_says_so(world: World, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    day = _today(client_for(world.teacher).get("/").content.decode())
    assert "Oak: nothing new" in day and "No call is due." in day and "None today." in day
    assert "None waiting." in day


def test_staff_without_a_class_get_no_day(world: World, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    assert 'id="today-heading"' not in client_for(world.office).get("/").content.decode()
