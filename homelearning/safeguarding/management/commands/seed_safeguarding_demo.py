"""`manage.py seed_safeguarding_demo`: vulnerable pupils and one new concern, so the DSL's pages have work.

Run after `seed_demo`. Three pupils go on the vulnerable list (weekly contacts then fall due), one of them in
the class of the teacher the logins table prints, and that teacher raises one concern the DSL team has not
yet acknowledged. Everything goes through the same services as the pages. A second run adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from homelearning.core import clock
from homelearning.people.management.commands.seed_demo import demo_logins
from homelearning.people.models import ClassStaff, Pupil, Role, School, Staff
from homelearning.safeguarding import services
from homelearning.safeguarding.models import ConcernCategory, VulnerabilityReason, VulnerablePupil

ON_LIST_SINCE = datetime.timedelta(days=45)


class Command(BaseCommand):
    help = "Put demo pupils on the vulnerable list and raise one concern (DEMO_MODE only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_safeguarding_demo is for the demo only (DEMO_MODE=true).")
        added = 0
        for school in School.objects.order_by("pk"):
            if VulnerablePupil.objects.filter(school=school).exists():
                continue
            added += self._seed_school(school)
        self.stdout.write(f"Put {added} demo pupil(s) on the vulnerable list.")

    @transaction.atomic
    def _seed_school(self, school: School) -> int:
        dsl = Staff.objects.filter(school=school, roles__role=Role.DSL, is_active=True).select_related("user").first()
        teacher_email = next((x.email for x in demo_logins(school=school) if x.role == "Teacher"), None)
        teacher = Staff.objects.filter(school=school, user__email=teacher_email).select_related("user").first()
        if dsl is None or teacher is None:
            return 0
        taught = ClassStaff.objects.filter(staff=teacher, kind=ClassStaff.Kind.TEACHER).values("school_class")
        on_roll = Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk")
        in_class = on_roll.filter(school_class__in=taught).first()
        taken = [in_class.pk] if in_class is not None else []
        with_social_worker = list(on_roll.filter(has_social_worker=True).exclude(pk__in=taken)[:1])
        with_ehc = list(
            on_roll.filter(send_status=Pupil.Send.EHC_PLAN)
            .exclude(pk__in=[p.pk for p in [in_class, *with_social_worker] if p is not None])
            .select_related("school_class")[:1]
        )
        since = clock.today() - ON_LIST_SINCE
        chosen = [(in_class, "child-in-need"), *((p, "cp-plan") for p in with_social_worker)]
        chosen += [(p, "ehc-plan") for p in with_ehc]
        added = 0
        for pupil, slug in chosen:
            if pupil is None:
                continue
            services.vulnerable_add(
                school=school,
                pupil=pupil,
                reason=VulnerabilityReason.objects.get(slug=slug),
                started_on=since,
                by=dsl.user,
                note="Demo: weekly contact agreed with the family.",
            )
            added += 1
        if in_class is not None:
            services.raise_concern(
                school=school,
                by=teacher.user,
                by_label=teacher.full_name,
                pupils=[in_class],
                category=ConcernCategory.objects.get(slug="attendance"),
                seen_or_heard=f"{in_class.first_name} has not joined the last two live sessions and no work has "
                "come in this week. The family has not answered two calls.",
                happened_at=clock.now() - datetime.timedelta(hours=2),
                action_taken="Left a voicemail asking the family to call the school.",
            )
        return added
