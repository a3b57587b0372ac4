"""`manage.py seed_engagement_demo`: a class learning at home this week, so engagement and the report show.

Run after `seed_demo` (DEMO_MODE only). The class of the teacher the logins table prints is closed from three
school days ago to the next school day, through the same service as the headteacher's page. Most families
open the plan every day; one child's family opened it on the first day only (quiet) and two have not been
heard from (not reached), so the teacher's home page lists them and the DSL's list and the headteacher's
report have figures. A second run adds nothing.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from homelearning.core import clock
from homelearning.core.calendar import working_days_around
from homelearning.engagement.models import PlanOpening
from homelearning.people.management.commands.seed_demo import demo_logins
from homelearning.people.models import ClassStaff, Pupil, Role, School, Staff
from homelearning.provision import services as provision
from homelearning.provision.models import Closure


class Command(BaseCommand):
    help = "Close the printed teacher's class for a few days and leave families' engagement (DEMO_MODE only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_engagement_demo is for the demo only (DEMO_MODE=true).")
        seeded = sum(self._seed_school(school) for school in School.objects.order_by("pk"))
        self.stdout.write(f"Seeded engagement for {seeded} class(es) learning at home.")

    @transaction.atomic
    def _seed_school(self, school: School) -> int:
        if Closure.objects.filter(school=school, scope=Closure.Scope.CLASSES).exists():
            return 0
        teacher_email = next((x.email for x in demo_logins(school=school) if x.role == "Teacher"), None)
        teacher = Staff.objects.filter(school=school, user__email=teacher_email).first()
        head = Staff.objects.filter(school=school, roles__role=Role.HEADTEACHER, is_active=True).first()
        link = ClassStaff.objects.filter(staff=teacher, kind=ClassStaff.Kind.TEACHER).select_related("school_class")
        school_class = link.first().school_class if link.exists() else None  # type: ignore[union-attr]
        if head is None or school_class is None:
            return 0
        today = clock.today()
        before, after = working_days_around(school, today, before=3, after=2)
        days = [*before, *after]
        provision.closure_declare(
            by=head,
            reason=Closure.Reason.CRITICAL_INCIDENT,
            scope=Closure.Scope.CLASSES,
            first_day=days[0],
            last_day=days[-1],
            classes=[school_class],
        )
        pupils = list(Pupil.objects.filter(school_class=school_class, left_on__isnull=True).order_by("surname", "pk"))
        rnd = random.Random(18)  # noqa: S311 - invented demo data, the same on every run
        unreached = set(p.pk for p in rnd.sample(pupils, min(2, len(pupils))))
        quiet = next((p.pk for p in pupils if p.pk not in unreached), None)
        openings = []
        for pupil in pupils:
            if pupil.pk in unreached:
                continue
            for day in (d for d in before):
                if pupil.pk == quiet and day != before[0]:
                    continue
                if pupil.pk != quiet and rnd.random() < 0.15:
                    continue  # an ordinary family misses a day now and then
                openings.append(PlanOpening(school=school, pupil=pupil, day=day))
        PlanOpening.objects.bulk_create(openings, ignore_conflicts=True)
        return 1
