"""Closure benchmark (issue 3): declare a whole-school closure of 5 school days for 10,000 pupils.

Run from the project root:

    DEBUG=true .venv/bin/python bench/closure_bench.py [--pupils 10000] [--database sqlite:///var/bench-closure.sqlite3]

It builds a fresh database, seeds one demo school with `seed_demo --pupils N`, then times
`closure_declare` (seconds and SQL statements) beside the floor: a plain `bulk_create` of the
same register rows in the same run. It also declares a one-class closure to show that the
statement count does not depend on the number of pupils, and times the carers' email task
(which runs after commit, in the worker). Not a test: it prints figures for BENCHMARKS.md.
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
    """Counts SQL statements (an execute wrapper)."""

    n = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.n += 1
        return execute(sql, params, many, context)


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-closure.sqlite3'}")
    args = parser.parse_args()
    _setup(args.database)

    from django.core.management import call_command
    from django.db import connection, transaction

    from homelearning.core.calendar import SchoolCalendar
    from homelearning.people.models import Pupil, Role, School, SchoolClass, Staff
    from homelearning.provision import services
    from homelearning.provision.models import Closure, RegisterMark

    # seed_demo caps a school at 5,000 pupils: seed enough schools, then move every pupil into the
    # first one (same classes by position), so one school has them all.
    per_school = 5000
    schools = -(-args.pupils // per_school)
    started = time.perf_counter()
    call_command("seed_demo", pupils=min(args.pupils, per_school), schools=schools, verbosity=0)
    school = School.objects.order_by("pk").first()
    assert school is not None
    target_classes = list(SchoolClass.objects.filter(school=school).order_by("pk"))
    for other in School.objects.exclude(pk=school.pk):
        for i, cls in enumerate(SchoolClass.objects.filter(school=other).order_by("pk")):
            Pupil.objects.filter(school_class=cls).update(
                school=school, school_class=target_classes[i % len(target_classes)], upn=None
            )
    seeded = Pupil.objects.filter(school=school).count()
    print(f"seeded {seeded} pupils in one school in {time.perf_counter() - started:.1f} s")
    head = Staff.objects.filter(school=school, roles__role=Role.HEADTEACHER).first()
    assert head is not None
    pupils = Pupil.objects.filter(school=school, left_on__isnull=True).count()

    # The first run of five consecutive school days (Monday to Friday) after today.
    day = datetime.date.today() + datetime.timedelta(days=7)  # noqa: DTZ011 - a local benchmark
    while True:
        day += datetime.timedelta(days=(7 - day.weekday()) % 7 or 7)
        calendar = SchoolCalendar.load(school, day, day + datetime.timedelta(days=4))
        if all(calendar.is_school_day(day + datetime.timedelta(days=i)) for i in range(5)):
            break
    first, last = day, day + datetime.timedelta(days=4)

    # Count statements with a cheap wrapper, not the debug cursor (which formats every parameter
    # and would slow the many-statement floor far more than the one-statement declaration).
    from django.conf import settings

    settings.DEBUG = False
    counter = Counter()

    def declare(**kwargs: object) -> tuple[float, int, Closure]:
        counter.n = 0
        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            closure, created = services.closure_declare(by=head, first_day=first, last_day=last, **kwargs)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - t0
        assert created
        return elapsed, counter.n, closure

    seconds, statements, closure = declare(reason=Closure.Reason.EXTREME_WEATHER, scope=Closure.Scope.WHOLE_SCHOOL)
    rows = RegisterMark.objects.filter(closure=closure).count()
    assert rows == pupils * 5 * 2, (rows, pupils)

    # The floor: the same rows with a plain bulk_create (ids known in advance), in one transaction.
    pupil_ids = list(Pupil.objects.filter(school=school, left_on__isnull=True).values_list("pk", flat=True))
    days = [first + datetime.timedelta(days=i) for i in range(5)]
    RegisterMark.objects.filter(closure=closure).delete()
    counter.n = 0
    with connection.execute_wrapper(counter):
        t0 = time.perf_counter()
        with transaction.atomic():
            RegisterMark.objects.bulk_create(
                RegisterMark(
                    school=school,
                    pupil_id=pid,
                    date=d,
                    session=s,
                    absence_code_id="Y4",
                    reason=closure.reason,
                    closure=closure,
                )
                for pid in pupil_ids
                for d in days
                for s in ("AM", "PM")
            )
        floor_seconds = time.perf_counter() - t0
    floor_statements = counter.n

    one_class = SchoolClass.objects.filter(school=school).first()
    assert one_class is not None
    RegisterMark.objects.all().delete()
    small_seconds, small_statements, small = declare(
        reason=Closure.Reason.CRITICAL_INCIDENT, scope=Closure.Scope.CLASSES, classes=[one_class]
    )
    small_pupils = RegisterMark.objects.filter(closure=small).values("pupil").distinct().count()

    from homelearning.provision.tasks import closure_notify

    t0 = time.perf_counter()
    emailed = closure_notify.call(closure_id=closure.pk)
    notify_seconds = time.perf_counter() - t0

    print(f"database: {connection.vendor}")
    print(f"pupils: {pupils}, school days: 5, register rows: {rows}")
    print(f"closure_declare (whole school): {seconds:.2f} s, {statements} SQL statements")
    print(f"floor, plain bulk_create:       {floor_seconds:.2f} s, {floor_statements} SQL statements")
    print(f"ratio: {seconds / floor_seconds:.2f}x the floor")
    print(
        f"closure_declare (one class, {small_pupils} pupils): {small_seconds:.3f} s, {small_statements} SQL statements"
    )
    print(f"carers' email task (after commit): {emailed} emails queued in {notify_seconds:.1f} s")


if __name__ == "__main__":
    main()
