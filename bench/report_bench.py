"""The termly remote-education report for a whole trust (issue 18, step 4), on PostgreSQL.

Run from the project root (PostgreSQL with trust auth on 127.0.0.1:5432, as in CI):

    .venv/bin/python bench/report_bench.py [--schools 40] [--pupils 500] [--weeks 13] [--keep-db]

1. Creates a throwaway database (hl_report_<pid>), migrates it and seeds the snow-day data set (seed_demo:
   `--schools` schools of `--pupils` pupils).
2. Writes a term of remote education: two whole-school snow days for every school (closure_declare, the real
   service), plus 2% of pupils on a medical case for four weeks; then the signals families leave: the plan
   opened on 60% of remote days, work sent on 25%, feedback on half of that work (read for most), packs for
   1% of pupils, weekly contacts for vulnerable pupils and a concern a school.
3. Builds the report for all the schools together (`report.build` then `present`, the CSV and the PDF), three
   times, and prints the queries, the time of each step and the peak memory of the Python side. Drops the
   database unless --keep-db. Not a test: the figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--pupils", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import psycopg

    name = f"hl_report_{os.getpid()}"
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        {
            "DATABASE_URL": f"{args.postgres}/{name}",
            "DEBUG": "true",
            "DEMO_MODE": "false",
            "SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789abcdef",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    import django

    django.setup()
    try:
        began = time.monotonic()
        start, end = seed(args.schools, args.pupils, args.weeks)
        print(f"seeded in {time.monotonic() - began:.0f} s; term {start} to {end}")
        measure(start, end, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def seed(schools: int, pupils: int, weeks: int) -> tuple[datetime.date, datetime.date]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from homelearning.core.models import Term
    from homelearning.engagement.models import PlanOpening
    from homelearning.journal.models import Feedback, WorkItem
    from homelearning.packs.models import Pack
    from homelearning.people.models import Pupil, School
    from homelearning.provision import services as provision
    from homelearning.provision.models import AbsenceCode, Case, Closure, RegisterMark
    from homelearning.safeguarding.models import Concern, ConcernCategory, Contact, VulnerabilityReason, VulnerablePupil

    call_command("migrate", verbosity=0)
    call_command("seed_demo", schools=schools, pupils=pupils, stdout=io.StringIO())
    rnd = random.Random(18)
    end = timezone.localdate()
    while end.weekday() >= 5:
        end -= datetime.timedelta(days=1)
    start = end - datetime.timedelta(weeks=weeks) + datetime.timedelta(days=1)
    weekdays = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    snow = [weekdays[len(weekdays) // 3], weekdays[len(weekdays) // 3 + 1]]
    code = AbsenceCode.objects.filter(category="authorised").first() or AbsenceCode.objects.first()
    reason = VulnerabilityReason.objects.first()
    category = ConcernCategory.objects.first()
    for school in School.objects.order_by("pk"):
        Term.objects.get_or_create(school=school, name="Bench term", defaults={"first_day": start, "last_day": end})
        head = school.staff.filter(roles__role="headteacher").first() or school.staff.first()
        provision.closure_declare(
            by=head,
            reason=Closure.Reason.EXTREME_WEATHER,
            scope=Closure.Scope.WHOLE_SCHOOL,
            first_day=snow[0],
            last_day=snow[1],
        )
        roll = list(Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk"))
        marks = []
        for pupil in rnd.sample(roll, max(1, len(roll) // 50)):
            case = Case.objects.create(
                school=school,
                pupil=pupil,
                requested_by="Parent",
                requested_on=start,
                reason=Case.Reason.MEDICAL,
                status=Case.Status.ACTIVE,
                absence_code=code,
                start_date=weekdays[5],
                end_date=weekdays[24],
                recorded_by=head,
            )
            marks += [
                RegisterMark(
                    school=school,
                    pupil=pupil,
                    date=day,
                    session=session,
                    absence_code=code,
                    reason=Case.Reason.MEDICAL,
                    case=case,
                )
                for day in weekdays[5:25]
                if day not in snow
                for session in ("AM", "PM")
            ]
        RegisterMark.objects.bulk_create(marks, batch_size=5000)
        for pupil in rnd.sample(roll, max(1, len(roll) // 40)):
            VulnerablePupil.objects.create(
                school=school, pupil=pupil, reason=reason, started_on=start, added_by=head.user
            )
            Contact.objects.create(
                school=school,
                pupil=pupil,
                by=Contact.By.TEACHER,
                made_by=head,
                contacted_at=timezone.make_aware(datetime.datetime.combine(snow[0], datetime.time(11))),
                method=Contact.Method.PHONE,
                spoke_to_child=True,
                outcome="Fine",
            )
        Concern.objects.create(
            school=school,
            category=category,
            seen_or_heard="Bench",
            happened_at=timezone.now(),
            raised_by=head.user,
            raised_by_label="Head",
            acknowledged_at=timezone.now(),
        )
        for pupil in rnd.sample(roll, max(1, len(roll) // 100)):
            Pack.objects.create(
                school=school,
                pupil=pupil,
                first_day=snow[0],
                last_day=snow[1],
                absence_began=snow[0],
                requested_via=Pack.Via.PHONE,
                requested_by=head,
                due_at=timezone.make_aware(datetime.datetime.combine(snow[0], datetime.time(15, 30))),
                compiled_at=timezone.now(),
                ready_at=timezone.make_aware(datetime.datetime.combine(snow[0], datetime.time(14))),
                collected_at=timezone.make_aware(datetime.datetime.combine(snow[0], datetime.time(15))),
                status=Pack.Status.COLLECTED,
            )
    days = list(RegisterMark.objects.filter(session="AM").values_list("school_id", "pupil_id", "date"))
    openings, items = [], []
    for school_id, pupil_id, day in days:
        if rnd.random() < 0.6:
            openings.append(PlanOpening(school_id=school_id, pupil_id=pupil_id, day=day))
        if rnd.random() < 0.25:
            items.append(WorkItem(school_id=school_id, pupil_id=pupil_id, day=day, sent_by_label="Parent"))
    PlanOpening.objects.bulk_create(openings, batch_size=5000)
    created = WorkItem.objects.bulk_create(items, batch_size=5000)
    Feedback.objects.bulk_create(
        [
            Feedback(
                item=item, by_label="Teacher", text="Well done", read_at=timezone.now() if rnd.random() < 0.8 else None
            )
            for item in created
            if rnd.random() < 0.5
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{School.objects.count()} schools, {Pupil.objects.count():,} pupils, {RegisterMark.objects.count():,} "
        f"register marks ({len(days):,} pupil-days), {len(openings):,} plans opened, {len(created):,} pieces of work"
    )
    return start, end


def measure(start: datetime.date, end: datetime.date, rounds: int) -> None:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from homelearning.engagement import report
    from homelearning.engagement.access import ReportScope
    from homelearning.engagement.views import _context
    from homelearning.packs.pdf import html_to_pdf
    from homelearning.people.models import School

    schools = list(School.objects.order_by("name"))
    scope = ReportScope(key="trust", label="Bench trust", schools=tuple(schools))
    for n in range(rounds):
        connection.queries_log.clear()  # the seeding filled Django's log; a full log captures nothing
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            figures = report.build(schools, start=start, end=end)
        t1 = time.perf_counter()
        presented = report.present(figures, audience=report.GOVERNORS)
        rows = presented.csv_rows()
        t2 = time.perf_counter()
        pdf = html_to_pdf(render_to_string("engagement/report_pdf.html", _context(presented, scope)))
        t3 = time.perf_counter()
        sql = sum(float(q["time"]) for q in queries.captured_queries)
        slowest = max(float(q["time"]) for q in queries.captured_queries)
        print(
            f"round {n + 1}: {len(queries.captured_queries)} queries, build {t1 - t0:.2f} s "
            f"(SQL {sql:.2f} s, slowest query {slowest:.2f} s), present + CSV {t2 - t1:.3f} s ({len(rows):,} rows), "
            f"PDF {t3 - t2:.2f} s ({len(pdf) // 1024} KB, {figures.pupil_days:,} pupil-days in "
            f"{len(figures.classes)} classes)"
        )
    tracemalloc.start()
    report.present(report.build(schools, start=start, end=end), audience=report.GOVERNORS).csv_rows()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"Python peak memory for build + present + CSV: {peak / 2**20:.0f} MiB (tracemalloc, a separate pass)")


if __name__ == "__main__":
    main()
