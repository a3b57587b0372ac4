"""`manage.py seed_live_demo`: a live story time for each demo class on the next school day.

Run after `seed_demo`. Each session is booked through the same service as the teacher's form (so the
policy's limits apply and each child's carer gets an invitation in the demo outbox). A second run books
nothing that is already there.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from homelearning.core import clock
from homelearning.core.calendar import next_school_days
from homelearning.core.errors import ServiceError
from homelearning.live import services
from homelearning.live.models import LiveSession
from homelearning.people.models import ClassStaff, Pupil, School
from homelearning.people.selectors import policy_in_force

START = datetime.time(10, 0)


class Command(BaseCommand):
    help = "Book a demo live story time for each class on the next school day (DEMO_MODE only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_live_demo is for the demo only (DEMO_MODE=true).")
        booked = 0
        for school in School.objects.order_by("pk"):
            days = next_school_days(school, clock.today(), 1)
            if not days:
                continue
            starts_at = timezone.make_aware(datetime.datetime.combine(days[0], START))
            booked += self._book_school(school, starts_at)
        self.stdout.write(f"Booked {booked} demo live session(s).")

    @transaction.atomic
    def _book_school(self, school: School, starts_at: datetime.datetime) -> int:
        booked = 0
        links = ClassStaff.objects.filter(school_class__school=school).select_related("staff", "school_class")
        by_class: dict[int, dict[str, Any]] = {}
        for link in links.order_by("school_class__name", "kind", "pk"):
            staff = by_class.setdefault(link.school_class_id, {"class": link.school_class, "teacher": None, "ta": None})
            if link.kind == ClassStaff.Kind.TEACHER and staff["teacher"] is None:
                staff["teacher"] = link.staff
            elif link.kind != ClassStaff.Kind.TEACHER and staff["ta"] is None:
                staff["ta"] = link.staff
        policy = policy_in_force(school)
        for entry in by_class.values():
            school_class, teacher, ta = entry["class"], entry["teacher"], entry["ta"]
            if teacher is None or ta is None:
                continue
            if LiveSession.objects.filter(school_class=school_class, starts_at=starts_at).exists():
                continue
            pupils = list(
                Pupil.objects.filter(school_class=school_class, left_on__isnull=True).order_by("legal_first_name")[
                    : policy.live_max_children
                ]
            )
            if not pupils:
                continue
            try:
                services.session_schedule(
                    by=teacher,
                    school_class=school_class,
                    kind=LiveSession.Kind.STORY_TIME,
                    title=f"{school_class.name} story time",
                    starts_at=starts_at,
                    minutes=min(30, policy.live_max_minutes),
                    monitor=ta,
                    pupils=pupils,
                )
            except ServiceError as exc:
                self.stderr.write(f"{school_class}: not booked ({exc})")
                continue
            booked += 1
        return booked
