"""A 1,000-pupil Wonde sync (issue 17), on PostgreSQL, against the local Wonde of tests/fake_wonde.py.

Run from the project root (PostgreSQL with trust auth on 127.0.0.1:5432, as in CI):

    .venv/bin/python bench/wonde_bench.py [--pupils 1000] [--keep-db]

1. Creates a throwaway database (hl_wonde_<pid>), migrates it and seeds one demo school of `--pupils` pupils.
2. Serves that school as Wonde would (every pupil with their contacts, registration group, year, UPN and home
   language, and the staff), with 2% new pupils and 1% gone, 200 to a page.
3. Times, and counts the queries of: the preview (reading Wonde and comparing), the commit, a second sync that
   finds nothing to change, and the write-back of a two-day whole-school closure's marks.
Not a test: the figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import psycopg

    name = f"hl_wonde_{os.getpid()}"
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
        run(args.pupils)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def as_wonde(school):  # type: ignore[no-untyped-def]
    from homelearning.people.models import Pupil, PupilCarer, Staff
    from tests.fake_wonde import contact, employee, student

    links: dict[int, list[PupilCarer]] = {}
    for link in PupilCarer.objects.filter(pupil__school=school).select_related("carer"):
        links.setdefault(link.pupil_id, []).append(link)
    students = []
    for pupil in Pupil.objects.filter(school=school, left_on__isnull=True).select_related("school_class__year_group"):
        if not pupil.mis_id:
            Pupil.objects.filter(pk=pupil.pk).update(mis_id=f"M{pupil.pk}")
            pupil.mis_id = f"M{pupil.pk}"
        contacts = [
            contact(
                f"C{link.carer_id}",
                forename=link.carer.first_name,
                surname=link.carer.surname,
                email=link.carer.email,
                mobile=link.carer.phone,
                relationship=link.get_relationship_display(),
            )
            for link in links.get(pupil.pk, [])
        ]
        students.append(
            student(
                f"S{pupil.pk}",
                mis_id=pupil.mis_id,
                forename=pupil.preferred_first_name or pupil.legal_first_name,
                legal_forename=pupil.legal_first_name,
                surname=pupil.surname,
                born=pupil.date_of_birth.isoformat(),
                upn="",  # the demo's UPNs use LA 999, which the import rightly refuses: matched by MIS id
                group=pupil.school_class.name,
                year=pupil.school_class.year_group.name,
                sen=pupil.send_status,
                contacts=contacts,
            )
        )
    employees = [
        employee(f"E{s.pk}", email=s.user.email, forename=s.first_name, surname=s.surname)
        for s in Staff.objects.filter(school=school, is_active=True).select_related("user")
    ]
    return students, employees


def timed(label: str, work):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = work()
        took = time.perf_counter() - began
    print(f"{label:<34} {took:7.2f} s {len(queries):6d} queries")
    return result


def run(pupils: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from homelearning.people.models import Pupil, School, Staff
    from homelearning.provision import services as provision
    from homelearning.provision.models import Closure
    from homelearning.roster import services, wonde_sync
    from homelearning.roster.models import WondeSettings
    from tests.fake_wonde import SCHOOL_ID, TOKEN, FakeWonde, running, student

    call_command("migrate", verbosity=0)
    call_command("seed_demo", schools=1, pupils=pupils, stdout=io.StringIO())
    school = School.objects.get()
    head = Staff.objects.filter(school=school, roles__role="headteacher").select_related("user").first()
    assert head is not None
    students, employees = as_wonde(school)
    print(f"{len(students)} pupils on roll, {sum(len(s['contacts']['data']) for s in students)} contact links")
    gone = len(students) // 100
    new = [
        student(
            f"N{n}",
            mis_id=f"N{n}",
            forename=f"New{n}",
            surname="Pupil",
            born="2020-02-02",
            group=students[n]["registration"]["data"]["name"],
            year=students[n]["year"]["data"]["name"],
            language="POL",
        )
        for n in range(len(students) // 50)
    ]
    state = FakeWonde(students=students[gone:] + new, employees=employees)
    WondeSettings.objects.create(school=school, wonde_school_id=SCHOOL_ID, write_back=True)
    with running(state):
        settings.WONDE_TOKEN = TOKEN
        settings.WONDE_API_URL = f"{state.url}/v1.0"
        batches = timed("preview (read Wonde, compare)", lambda: wonde_sync.sync_preview(school=school, by=head.user))
        print("  Wonde requests:", len(state.requests), "| counts:", batches[0].preview["counts"])
        print("  problems:", batches[0].problems[:3])
        timed("commit (pupils)", lambda: services.import_commit(batch=batches[0], by=head.user))
        timed("commit (staff)", lambda: services.import_commit(batch=batches[1], by=head.user))
        again = timed("second sync, nothing to change", lambda: wonde_sync.sync_preview(school=school, by=head.user))
        print("  counts:", again[0].preview["counts"])
        day = timezone.localdate()
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        previous = day - datetime.timedelta(days=1)
        while previous.weekday() >= 5:
            previous -= datetime.timedelta(days=1)
        provision.closure_declare(
            by=head,
            reason=Closure.Reason.EXTREME_WEATHER,
            scope=Closure.Scope.WHOLE_SCHOOL,
            first_day=previous,
            last_day=day,
        )
        result = timed("write-back (two closure days)", lambda: wonde_sync.marks_write_back(school=school))
        print("  ", result, "| records written:", len(state.written))
    print("pupils now on roll:", Pupil.objects.filter(school=school, left_on__isnull=True).count())


if __name__ == "__main__":
    main()
