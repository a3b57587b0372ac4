"""Safeguarding benchmark (issue 8): the DSL dashboard and the alerts CSV import at school scale.

Run from the project root:

    DEBUG=true .venv/bin/python bench/safeguarding_bench.py [--pupils 1000] [--vulnerable 300] [--alerts 10000]

It builds a fresh SQLite database, seeds one demo school, puts `--vulnerable` pupils on the list with
four weeks of contacts each and one concern each, then times `contacts_overview` (every vulnerable
pupil counted as learning at home) with its SQL statement count, and a `--alerts`-row CSV import.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Counter:
    n = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.n += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--vulnerable", type=int, default=300)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-safeguarding.sqlite3'}")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", pupils=args.pupils, schools=1, verbosity=0)

    from homelearning.people.models import Pupil, Role, School, Staff
    from homelearning.safeguarding import selectors, services
    from homelearning.safeguarding.models import ConcernCategory, Contact, VulnerabilityReason, VulnerablePupil

    school = School.objects.order_by("pk").first()
    assert school is not None
    dsl = Staff.objects.filter(school=school, roles__role__in=[Role.DSL, Role.DEPUTY_DSL]).first()
    assert dsl is not None
    today = timezone.localdate()
    pupils = list(Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk")[: args.vulnerable])
    reason = VulnerabilityReason.objects.get(slug="cp-plan")
    category = ConcernCategory.objects.get(slug="neglect")
    VulnerablePupil.objects.bulk_create(
        VulnerablePupil(
            school=school, pupil=p, reason=reason, started_on=today - datetime.timedelta(days=60), added_by=dsl.user
        )
        for p in pupils
    )
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            school=school,
            pupil=p,
            by=by,
            made_by=dsl,
            contacted_at=now - datetime.timedelta(days=7 * week + i % 9),
            method="phone",
            spoke_to_child=True,
            outcome="Fine.",
        )
        for i, p in enumerate(pupils)
        for week in range(4)
        for by in ("teacher", "dsl")
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for p in pupils:
        services.raise_concern(
            school=school,
            by=dsl.user,
            by_label="DSL",
            pupils=[p],
            category=category,
            seen_or_heard="Bench.",
            happened_at=now - datetime.timedelta(hours=1),
        )
    settings.DEBUG = False
    counter = Counter()
    everyone = {p.pk for p in pupils}
    with connection.execute_wrapper(counter):
        t0 = time.perf_counter()
        overview = selectors.contacts_overview(school, today=today, remote=everyone)
        concerns = selectors.open_concerns(selectors.Concern.objects.filter(school=school))
        elapsed = time.perf_counter() - t0
    rows = sum(len(r) for _, r in overview.by_teacher) + len(overview.dsl)
    print(
        f"dashboard data: {len(pupils)} vulnerable pupils, {rows} contact rows, {len(concerns)} open concerns: "
        f"{elapsed * 1000:.0f} ms, {counter.n} SQL statements"
    )

    lines = ["occurred_at,user,device,category,detail"]
    lines += [
        f"2026-11-{1 + i % 27:02d} 10:{i % 60:02d},user{i},Laptop {i % 40},Category {i % 12},detail {i}"
        for i in range(args.alerts)
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    counter.n = 0
    with connection.execute_wrapper(counter):
        t0 = time.perf_counter()
        result = services.alerts_import_csv(school=school, by=dsl.user, data=data)
        elapsed = time.perf_counter() - t0
    print(
        f"alerts import: {result.created} rows ({len(data) / 1e6:.1f} MB): {elapsed:.2f} s, {counter.n} SQL statements"
    )


if __name__ == "__main__":
    main()
