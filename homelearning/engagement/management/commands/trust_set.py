"""Set up a trust for the termly report: `trust_set "Oak Learning Trust" --school 100001 --leader ceo@trust.org`.

Adds the named schools (by URN) and leaders (by email; an account is made for a new leader, who signs in with a
code by email and must set up two-factor authentication). Run again to add more; nothing is removed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from homelearning.core.audit import audit
from homelearning.engagement.models import Trust
from homelearning.people.models import School, User


class Command(BaseCommand):
    help = "Create or extend a trust: its schools (by URN) and the leaders who read its termly report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--school", action="append", default=[], metavar="URN")
        parser.add_argument("--leader", action="append", default=[], metavar="EMAIL")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("Give the trust's name.")
        urns = [u.strip() for u in options["school"]]
        schools = list(School.objects.filter(urn__in=urns))
        missing = sorted(set(urns) - {s.urn for s in schools})
        if missing:
            raise CommandError(f"No school with URN {', '.join(missing)}. Nothing was changed.")
        trust, created = Trust.objects.get_or_create(name=name)
        trust.schools.add(*schools)
        for email in options["leader"]:
            email = email.strip().lower()
            if "@" not in email:
                raise CommandError(f"{email!r} is not an email address. Nothing was changed.")
            user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, password=None)
            trust.leaders.add(user)
        for school in schools:
            audit(action="engagement.trust.set", actor=None, school=school, target=trust, details={"trust": name})
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {trust.name}: {trust.schools.count()} schools, "
            f"{trust.leaders.count()} leaders."
        )
