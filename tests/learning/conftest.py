from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.models import Term
from homelearning.learning import services
from homelearning.learning.models import Activity, Plan, Subject
from homelearning.people.models import SchoolClass, Staff, User
from tests.personas import World

# A Wednesday in the spring term; Monday 12 Jan to Friday 16 Jan is the week.
TODAY = datetime.date(2026, 1, 14)
TOMORROW = datetime.date(2026, 1, 15)
YESTERDAY = datetime.date(2026, 1, 13)
SATURDAY = datetime.date(2026, 1, 17)


@pytest.fixture(autouse=True)
def _frozen_today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def term(world: World) -> None:
    for school in (world.school, world.other_school):
        Term.objects.create(
            school=school, name="Spring 1", first_day=datetime.date(2026, 1, 5), last_day=datetime.date(2026, 2, 13)
        )


def subject(code: str = "maths") -> Subject:
    return Subject.objects.get(code=code)


def planned_day(
    school_class: SchoolClass,
    by: User,
    day: datetime.date = TODAY,
    minutes: tuple[int, ...] = (60, 60, 60),
    subjects: tuple[str, ...] = ("maths", "reading", "wellbeing"),
) -> Plan:
    """A class's plan with one activity per entry of `minutes`."""
    staff = Staff.objects.get(user=by, school=school_class.school)
    plan = services.plan_get_or_create(school_class=school_class, day=day, by=staff)
    for n, m in enumerate(minutes):
        services.activity_add(
            plan=plan,
            by=staff,
            subject=subject(subjects[n % len(subjects)]),
            title=f"Activity {n + 1}",
            minutes=m,
            instructions=f"Step {n + 1}",
            confirm_over=True,
        )
    return plan


def activities(plan: Plan) -> list[Activity]:
    return list(Activity.objects.filter(plan=plan, pupil__isnull=True).order_by("position"))
