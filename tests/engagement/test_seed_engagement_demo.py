"""`manage.py seed_engagement_demo`: the printed teacher's class learns at home, and some children are quiet."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from homelearning.engagement.selectors import ENGAGED, NOT_REACHED, QUIET, engagement_for
from homelearning.people.management.commands.seed_demo import demo_logins
from homelearning.people.models import ClassStaff, School, Staff
from homelearning.provision.models import Closure

pytestmark = pytest.mark.django_db
THURSDAY = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.UTC)


def test_the_demo_teacher_has_quiet_children_to_call(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_MODE = True
    with time_machine.travel(THURSDAY, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_engagement_demo", stdout=io.StringIO())
        school = School.objects.order_by("pk").first()
        assert school is not None
        email = next(x.email for x in demo_logins(school=school) if x.role == "Teacher")
        links = ClassStaff.objects.filter(staff=Staff.objects.get(user__email=email), kind="teacher")
        taught = list(links.values_list("school_class_id", flat=True))
        rows = engagement_for(school, today=THURSDAY.date(), class_ids=taught)
        statuses = [r.status for r in rows]
        assert statuses.count(NOT_REACHED) == 2 and QUIET in statuses and ENGAGED in statuses
        call_command("seed_engagement_demo", stdout=io.StringIO())  # a second run adds nothing
        assert Closure.objects.filter(school=school, scope=Closure.Scope.CLASSES).count() == 1


def test_only_in_demo_mode() -> None:
    with pytest.raises(CommandError, match="demo only"):
        call_command("seed_engagement_demo")
