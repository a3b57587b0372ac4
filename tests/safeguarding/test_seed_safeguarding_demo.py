"""`manage.py seed_safeguarding_demo`: the demo has vulnerable pupils with contacts due and a concern waiting."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homelearning.people.management.commands.seed_demo import demo_logins
from homelearning.people.models import ClassStaff, School, Staff
from homelearning.safeguarding.models import Concern, VulnerablePupil

pytestmark = pytest.mark.django_db


def test_the_demo_dsl_has_work_and_the_printed_teacher_a_vulnerable_pupil(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_safeguarding_demo", stdout=io.StringIO())
    school = School.objects.order_by("pk").first()
    on_list = list(VulnerablePupil.objects.filter(school=school).select_related("pupil", "reason"))
    assert len(on_list) == 3
    assert {v.reason.slug for v in on_list} == {"child-in-need", "cp-plan", "ehc-plan"}
    teacher_email = next(x.email for x in demo_logins(school=school) if x.role == "Teacher")
    teacher = Staff.objects.get(user__email=teacher_email)
    taught = set(ClassStaff.objects.filter(staff=teacher, kind="teacher").values_list("school_class_id", flat=True))
    assert any(v.pupil.school_class_id in taught for v in on_list)
    (concern,) = Concern.objects.filter(school=school)
    assert concern.acknowledged_at is None and concern.raised_by_label == teacher.full_name
    # A second run adds nothing.
    call_command("seed_safeguarding_demo", stdout=io.StringIO())
    assert VulnerablePupil.objects.filter(school=school).count() == 3 and Concern.objects.count() == 1


def test_only_in_demo_mode() -> None:
    with pytest.raises(CommandError, match="demo only"):
        call_command("seed_safeguarding_demo")
