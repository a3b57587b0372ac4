"""Engagement from the rows the apps write: each signal found in the database, openings recorded cheaply,
and a fixed number of queries whatever the roll."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homelearning.engagement import selectors
from homelearning.engagement.models import PlanOpening
from homelearning.engagement.selectors import ENGAGED, NOT_REACHED, QUIET, engagement_for
from homelearning.journal import services as journal_services
from homelearning.journal.models import Feedback
from homelearning.live.models import Invitation, LiveSession
from homelearning.packs.models import Pack
from tests.engagement.builders import (
    FRI,
    MON,
    THU,
    TUE,
    WED,
    at,
    ended_story_time,
    more_at_home,
    printed_pack,
    snow_week,
)
from tests.personas import World


def by_name(rows: list[selectors.Engagement]) -> dict[str, selectors.Engagement]:
    return {r.pupil.first_name: r for r in rows}


@pytest.fixture
def snow(world: World) -> World:
    with time_machine.travel(at(MON, 7), tick=False):
        snow_week(world)
    return world


def test_a_parent_opening_the_day_is_one_row_and_the_second_look_writes_nothing(snow, client_for):
    client = client_for(snow.parent)
    with time_machine.travel(at(MON, 9), tick=False):
        assert client.get("/").status_code == 200
        assert set(PlanOpening.objects.values_list("pupil__legal_first_name", "day")) == {
            ("Amelia", MON),
            ("Ben", MON),
        }
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not [q for q in queries.captured_queries if "engagement_planopening" in q["sql"]]
        assert PlanOpening.objects.count() == 2
    # The cache forgotten (a restart): the row is not written twice.
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel(at(MON, 10), tick=False):
        assert client.get("/").status_code == 200
    assert PlanOpening.objects.count() == 2


def test_a_child_day_page_counts_only_for_today(snow, client_for):
    client = client_for(snow.other_parent)
    with time_machine.travel(at(MON, 20), tick=False):
        # Tomorrow's page (a phone keeping it for the morning) is not an opening of tomorrow.
        assert client.get(f"/children/{snow.cara.code}/learning/{TUE:%Y-%m-%d}/").status_code == 200
        assert not PlanOpening.objects.exists()
        assert client.get(f"/children/{snow.cara.code}/learning/{MON:%Y-%m-%d}/").status_code == 200
    assert list(PlanOpening.objects.values_list("pupil_id", "day")) == [(snow.cara.pk, MON)]


def test_statuses_on_thursday_from_the_week_so_far(snow, client_for):
    with time_machine.travel(at(MON, 9), tick=False):
        client_for(snow.parent).get("/")  # Amy and Ben: Monday opened
    with time_machine.travel(at(WED, 16), tick=False):
        journal_services.work_submit(pupil=snow.ben, by=snow.parent, by_label="Pat Parker", note="Ben's sums")
    with time_machine.travel(at(THU, 10), tick=False):
        rows = by_name(engagement_for(snow.school, today=THU))
    assert rows["Ben"].status == ENGAGED
    assert rows["Amy"].status == QUIET and rows["Amy"].quiet_days == 2
    assert rows["Amy"].last_engaged == MON
    assert rows["Cara"].status == NOT_REACHED and rows["Cara"].quiet_days == 3
    # Not reached first, then quiet, then engaged.
    assert [r.pupil.first_name for r in engagement_for(snow.school, today=THU)] == ["Cara", "Amy", "Ben"]
    assert "Olly" not in rows  # another school's child


def test_work_counts_on_the_day_it_is_for(snow):
    with time_machine.travel(at(FRI, 9), tick=False):
        # Sent on Friday morning for Wednesday's plan.
        journal_services.work_submit(pupil=snow.cara, by=snow.other_parent, by_label="Quinn", note="x", day=WED)
        rows = by_name(engagement_for(snow.school, today=FRI))
    days = {d.date: d for d in rows["Cara"].days}
    assert days[WED].sent and not days[THU].sent and not days[FRI].sent
    # Thursday only since (today is not over): one quiet day is under the school's two.
    assert (rows["Cara"].status, rows["Cara"].quiet_days) == (ENGAGED, 1)


def test_feedback_read_when_the_parent_opens_the_work_not_when_given(snow, client_for):
    with time_machine.travel(at(MON, 15), tick=False):
        item = journal_services.work_submit(pupil=snow.amy, by=snow.parent, by_label="Pat Parker", note="Amy's story")
        journal_services.feedback_give(item=item, by=snow.staff(snow.teacher), text="Lovely story, Amy.")
    with time_machine.travel(at(TUE, 9), tick=False):
        client_for(snow.teacher).get(f"/journal/items/{item.code}/")  # staff looking: not a read
        assert Feedback.objects.get().read_at is None
    with time_machine.travel(at(WED, 18), tick=False):
        assert client_for(snow.parent).get(f"/journal/items/{item.code}/").status_code == 200
    with time_machine.travel(at(THU, 9), tick=False):
        client_for(snow.parent).get(f"/journal/items/{item.code}/")  # a second read keeps the first time
    assert Feedback.objects.get().read_at == at(WED, 18)
    with time_machine.travel(at(THU, 10), tick=False):
        days = {d.date: d for d in by_name(engagement_for(snow.school, today=THU))["Amy"].days}
    assert days[WED].feedback_read and not days[TUE].feedback_read


def test_live_sessions_attended_and_missed(snow):
    attended = ended_story_time(snow, MON)
    Invitation.objects.create(session=attended, pupil=snow.amy, status="admitted", admitted_at=at(MON, 10, 2))
    missed = ended_story_time(snow, TUE)
    Invitation.objects.create(session=missed, pupil=snow.amy)
    coming = ended_story_time(snow, THU, LiveSession.Status.SCHEDULED)
    Invitation.objects.create(session=coming, pupil=snow.amy)
    with time_machine.travel(at(THU, 9), tick=False):
        days = {d.date: d for d in by_name(engagement_for(snow.school, today=THU))["Amy"].days}
    assert days[MON].live_attended and not days[MON].live_missed
    assert days[TUE].live_missed and not days[TUE].engaged
    assert not days[THU].live_missed  # not yet held


def test_a_collected_pack_covers_its_days_and_a_return_counts(snow):
    printed_pack(snow, snow.ben, first=MON, last=WED, status=Pack.Status.COLLECTED, collected_at=at(MON, 15))
    printed_pack(snow, snow.ben, first=THU, last=FRI, status=Pack.Status.RETURNED, returned_at=at(FRI, 9))
    with time_machine.travel(at(FRI, 12), tick=False):
        ben = by_name(engagement_for(snow.school, today=FRI))["Ben"]
    days = {d.date: d for d in ben.days}
    assert days[MON].pack_collected and days[TUE].on_pack and days[WED].on_pack
    assert not days[THU].engaged and days[FRI].pack_returned
    assert ben.status == ENGAGED


def test_a_call_that_got_through_tells_quiet_from_not_reached(snow):
    with time_machine.travel(at(TUE, 11), tick=False):
        call = journal_services.call_request(
            pupil=snow.cara, by=snow.teacher, by_label="Mr Teal", reason="Checking in", by_staff=True
        )
        journal_services.call_log(call=call, by=snow.staff(snow.teacher), outcome="spoke")
    with time_machine.travel(at(THU, 11), tick=False):
        cara = by_name(engagement_for(snow.school, today=THU))["Cara"]
    assert cara.status == QUIET and cara.last_call == TUE


def test_a_child_back_in_school_is_not_listed(snow):
    # The closure ended after Tuesday: on Thursday nobody is learning at home.
    from homelearning.provision.models import RegisterMark

    RegisterMark.objects.filter(date__gt=TUE).delete()
    with time_machine.travel(at(THU, 11), tick=False):
        assert engagement_for(snow.school, today=THU) == []


def test_the_query_count_does_not_grow_with_the_roll(snow, django_assert_num_queries):
    with time_machine.travel(at(THU, 11), tick=False):
        engagement_for(snow.school, today=THU)  # the school's settings row made on first use
        with CaptureQueriesContext(connection) as small:
            assert len(engagement_for(snow.school, today=THU)) == 3
        more_at_home(snow, snow.oak, 20, like=snow.amy)
        assert len(small.captured_queries) == 5  # day rows, setting, calendar (2), pupils
        with django_assert_num_queries(len(small.captured_queries)):
            assert len(engagement_for(snow.school, today=THU)) == 23


def test_nobody_at_home_costs_one_query(world: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert engagement_for(world.school, today=MON) == []


def test_a_journal_with_nothing_unread_writes_nothing(snow, client_for):
    with time_machine.travel(at(MON, 15), tick=False):
        item = journal_services.work_submit(pupil=snow.amy, by=snow.parent, by_label="Pat Parker", note="Amy's story")
        journal_services.feedback_give(item=item, by=snow.staff(snow.teacher), text="Lovely story, Amy.")
    with time_machine.travel(at(TUE, 9), tick=False):
        client = client_for(snow.parent)
        assert client.get(f"/journal/child/{snow.amy.code}/").status_code == 200
        assert Feedback.objects.get().read_at == at(TUE, 9)  # read on the child's journal page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/journal/child/{snow.amy.code}/").status_code == 200
            assert client.get(f"/journal/items/{item.code}/").status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "journal_feedback"')]
