"""What a parent needs first on the home page (issue 19): today's closure, feedback that arrived, the calls
they asked for, and a way to each child's plan."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.journal import services as journal
from tests.journal.builders import sent_work
from tests.personas import World
from tests.provision.builders import MON, whole_school_closure

pytestmark = pytest.mark.usefixtures("terms")


@pytest.fixture
def terms(world: World) -> World:
    from tests.provision.builders import school_terms

    return school_terms(world)


def at(day: datetime.date, hour: int = 9):  # type: ignore[no-untyped-def]
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), tick=False)


def test_a_closure_day_says_so_first(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    whole_school_closure(world)
    with at(MON):
        page = client_for(world.parent).get("/").content.decode()
    assert "Balfour Test Infant School is closed today" in page
    assert "(extreme weather), until Friday 4 December." in page
    assert "Learning continues at home for Amy, Ben" in page
    assert page.index("is closed today") < page.index("Your children")


def test_no_closure_no_notice(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with at(MON):
        page = client_for(world.parent).get("/").content.decode()
    assert "closed today" not in page


def test_feedback_from_the_last_week_is_pointed_out(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with at(MON):
        item = sent_work(world.amy, world.parent, photo=False)
        journal.feedback_give(item=item, by=world.staff(world.teacher), text="Lovely rocket!")
    with at(MON + datetime.timedelta(days=2)):
        page = client_for(world.parent).get("/").content.decode()
    assert "News from school" in page
    assert f'href="/journal/items/{item.code}/"' in page
    assert "gave Amy feedback on Monday 30 November" in page
    with at(MON + datetime.timedelta(days=8)):
        page = client_for(world.parent).get("/").content.decode()
    assert "gave Amy feedback" not in page


def test_a_call_asked_for_is_on_record_until_made(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with at(MON):
        journal.call_request(pupil=world.ben, by=world.parent, by_label="Pat Parker", reason="Reading help")
        page = client_for(world.parent).get("/").content.decode()
    assert "You asked for a call about Ben on Monday 30 November. The school will ring you." in page
    # Another family's request is not shown.
    page = client_for(world.other_parent).get("/").content.decode()
    assert "You asked for a call" not in page


def test_two_children_get_jump_links(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with at(MON):
        page = client_for(world.parent).get("/").content.decode()
    assert f'<a href="#child-{world.amy.code}">Amy</a>' in page
    assert f'id="child-{world.ben.code}"' in page
