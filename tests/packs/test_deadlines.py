"""The due-time rule: the end of the first school day of absence, or of the next school day for a late request."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from homelearning.core.models import NonSchoolDay
from homelearning.packs.deadlines import pack_due_at, return_date
from homelearning.people.models import PolicyVersion
from tests.personas import World
from tests.provision.builders import school_terms

LONDON = zoneinfo.ZoneInfo("Europe/London")
ENDS = datetime.time(15, 30)


def at(day: str, hhmm: str = "09:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=LONDON)


@pytest.fixture
def calendar(world: World) -> World:
    school_terms(world)  # Autumn 2026 ends Fri 18 Dec; Spring 2027 starts Tue 5 Jan
    NonSchoolDay.objects.create(school=world.school, date=datetime.date(2026, 12, 1), kind=NonSchoolDay.Kind.INSET)
    return world


@pytest.mark.parametrize(
    ("first_day", "requested", "due"),
    [
        # Asked before the end of the first day of absence: due that day at 15:30.
        ("2026-11-30", at("2026-11-30", "09:00"), at("2026-11-30", "15:30")),
        ("2026-11-30", at("2026-11-30", "15:30"), at("2026-11-30", "15:30")),
        # Asked the weekend before a Monday absence: due Monday.
        ("2026-11-30", at("2026-11-28", "11:00"), at("2026-11-30", "15:30")),
        # Asked after the end of the first day: due the next school day, skipping Tuesday's INSET day.
        ("2026-11-30", at("2026-11-30", "15:31"), at("2026-12-02", "15:30")),
        # Asked on a Friday evening: due Monday.
        ("2026-12-04", at("2026-12-04", "17:00"), at("2026-12-07", "15:30")),
        # Asked on the Saturday after absence began on Friday: due Monday.
        ("2026-12-04", at("2026-12-05", "10:00"), at("2026-12-07", "15:30")),
        # Asked on the last day of term, after school: due the first day of spring term (after the bank holidays).
        ("2026-12-18", at("2026-12-18", "16:00"), at("2027-01-05", "15:30")),
        # Asked during the holiday for absence from the first day back: due that day.
        ("2027-01-05", at("2026-12-28", "12:00"), at("2027-01-05", "15:30")),
        # Asked days into the absence: the next school day after the request.
        ("2026-11-30", at("2026-12-03", "08:00"), at("2026-12-04", "15:30")),
    ],
)
def test_due_time_across_school_days_weekends_and_holidays(
    calendar: World, first_day: str, requested: datetime.datetime, due: datetime.datetime
) -> None:
    got = pack_due_at(
        school=calendar.school, first_day=datetime.date.fromisoformat(first_day), requested_at=requested, day_ends=ENDS
    )
    assert got == due


def test_the_end_of_the_day_is_the_schools_setting(calendar: World) -> None:
    got = pack_due_at(
        school=calendar.school,
        first_day=datetime.date(2026, 11, 30),
        requested_at=at("2026-11-30", "15:00"),
        day_ends=datetime.time(15, 0),
    )
    assert got == at("2026-11-30", "15:00")
    later = pack_due_at(
        school=calendar.school,
        first_day=datetime.date(2026, 11, 30),
        requested_at=at("2026-11-30", "15:01"),
        day_ends=datetime.time(15, 0),
    )
    assert later == at("2026-12-02", "15:00")


def test_policy_default_is_half_past_three_on_day_one(world: World) -> None:
    policy = PolicyVersion.objects.get(school=world.school, in_force=True)
    assert policy.school_day_ends == ENDS and policy.pack_due_school_days == 1


def test_due_on_the_second_day_when_the_policy_says_so(calendar: World) -> None:
    got = pack_due_at(
        school=calendar.school,
        first_day=datetime.date(2026, 11, 30),
        requested_at=at("2026-11-30", "09:00"),
        day_ends=ENDS,
        due_school_days=2,
    )
    assert got == at("2026-12-02", "15:30")  # Tuesday is an INSET day


def test_without_terms_weekdays_stand_in(world: World) -> None:
    got = pack_due_at(
        school=world.school,
        first_day=datetime.date(2026, 12, 4),
        requested_at=at("2026-12-04", "18:00"),
        day_ends=ENDS,
    )
    assert got == at("2026-12-07", "15:30")


def test_return_date_is_a_week_on_and_a_school_day(calendar: World) -> None:
    assert return_date(
        school=calendar.school, first_day=datetime.date(2026, 11, 30), last_day=datetime.date(2026, 12, 4), after_days=7
    ) == datetime.date(2026, 12, 7)
    # A week after 14 December is in the holiday: back on the first day of spring term.
    assert return_date(
        school=calendar.school,
        first_day=datetime.date(2026, 12, 14),
        last_day=datetime.date(2026, 12, 18),
        after_days=7,
    ) == datetime.date(2027, 1, 5)


def test_a_request_on_the_second_day_of_absence_is_due_the_next_school_day(closed: World, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.packs.builders import requested_pack

    clock.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC))  # Tuesday; closed since Monday
    pack = requested_pack(closed)
    assert pack.absence_began == datetime.date(2026, 11, 30)
    assert pack.first_day == datetime.date(2026, 12, 1)  # the pack covers the days still to come
    assert pack.due_at == at("2026-12-02", "15:30")


def test_a_request_before_the_absence_is_due_on_its_first_day(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.packs.builders import closure_week, requested_pack

    clock.move_to(datetime.datetime(2026, 11, 27, 16, 0, tzinfo=datetime.UTC))  # the Friday before
    closure_week(world)
    pack = requested_pack(world)
    assert pack.absence_began == pack.first_day == datetime.date(2026, 11, 30)
    assert pack.due_at == at("2026-11-30", "15:30")
