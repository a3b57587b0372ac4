from __future__ import annotations

import datetime

import pytest

from homelearning.learning import services
from homelearning.learning.selectors import planned_minutes
from homelearning.people.models import Pupil
from tests.learning.conftest import TODAY, TOMORROW, YESTERDAY, activities, planned_day, subject
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def test_planned_minutes_per_pupil_per_day_with_bespoke_changes(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    today = planned_day(world.oak, world.teacher, minutes=(60, 60, 60))
    planned_day(world.oak, world.teacher, day=TOMORROW, minutes=(30,))
    planned_day(world.ash, world.teacher_ash, minutes=(100,))
    maths, reading, _ = activities(today)
    staff = world.staff(world.inclusion)
    services.activity_drop_for_pupil(activity=reading, pupil=world.cara, by=staff)
    services.activity_add(
        plan=today, by=staff, pupil=world.cara, replaces=maths, subject=subject(), title="Counters", minutes=25
    )
    services.activity_add(plan=today, by=staff, pupil=world.cara, subject=subject("art"), title="Draw", minutes=10)
    pupils = list(Pupil.objects.filter(pk__in=[world.amy.pk, world.ben.pk, world.cara.pk, world.outsider_pupil.pk]))
    with django_assert_num_queries(3):
        result = planned_minutes(pupils=pupils, start=YESTERDAY, end=TOMORROW)
    assert result == {
        world.amy.pk: {TODAY: 180, TOMORROW: 30},
        world.cara.pk: {TODAY: 25 + 60 + 10, TOMORROW: 30},
        world.ben.pk: {TODAY: 100},
        world.outsider_pupil.pk: {},
    }


def test_planned_minutes_empty_cases(world: World) -> None:
    assert planned_minutes(pupils=[], start=TODAY, end=TODAY) == {}
    planned_day(world.oak, world.teacher)
    assert planned_minutes(pupils=[world.amy], start=TODAY, end=YESTERDAY) == {world.amy.pk: {}}
    later = TODAY + datetime.timedelta(days=7)
    assert planned_minutes(pupils=[world.amy], start=later, end=later) == {world.amy.pk: {}}
