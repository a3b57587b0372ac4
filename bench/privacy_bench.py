"""Data protection benchmark (issue 9): a subject access export for a pupil with a lot of history, and a
retention pass over a school's old register.

Run from the project root:

    DEBUG=true .venv/bin/python bench/privacy_bench.py [--items 500] [--photo-kb 300] [--marks 100000]

It builds a fresh SQLite database, seeds the demo school, gives one pupil `--items` pieces of work (one
photo of `--photo-kb` KB, one comment and one piece of feedback each), then times the export (seconds,
SQL statements, peak Python memory, ZIP size). Then it writes `--marks` register marks older than six
years and times the dry run and the pass that removes them. Not a test: figures for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
import tracemalloc
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
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--photo-kb", type=int, default=300)
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-privacy.sqlite3'}")
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="bench-privacy-media-")
    os.environ["DATABASE_URL"] = args.database
    os.environ["MEDIA_ROOT"] = media
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection

    Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", pupils=300, verbosity=0)

    from homelearning.journal.models import Comment, Feedback, WorkFile, WorkItem
    from homelearning.people.models import Pupil, Role, School, Staff
    from homelearning.privacy import services
    from homelearning.provision.models import AbsenceCode, Case, RegisterMark

    school = School.objects.order_by("pk").first()
    assert school is not None
    head = Staff.objects.filter(school=school, roles__role=Role.HEADTEACHER).select_related("user").first()
    assert head is not None
    pupil = Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk").first()
    assert pupil is not None
    photo = os.urandom(args.photo_kb * 1024)  # incompressible, like a JPEG
    for n in range(args.items):
        item = WorkItem.objects.create(school=school, pupil=pupil, note=f"Work {n}", sent_by_label="Carer")
        part = WorkFile(item=item, kind=WorkFile.Kind.IMAGE, size=len(photo))
        part.file.save(f"journal/bench/{item.code}.jpg", ContentFile(photo), save=False)
        part.save()
        Comment.objects.create(item=item, author_label="Carer", text="We enjoyed this")
        Feedback.objects.create(item=item, by=head, by_label="Teacher", text="Lovely work")

    sar = services.sar_create(
        school=school,
        by=head.user,
        pupil=pupil,
        requested_by="Bench",
        received_on=datetime.date.today(),  # noqa: DTZ011 - a local benchmark
    )
    counter = Counter()
    tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        handle = services.sar_export(sar=sar, by=head.user, allowed=True)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = handle.seek(0, 2)
    handle.close()
    print(
        f"export: {args.items} pieces of work with a {args.photo_kb} KB photo each: {elapsed:.2f} s, "
        f"{counter.n} SQL statements, peak Python memory {peak / 1e6:.1f} MB, ZIP {size / 1e6:.1f} MB"
    )

    # Retention: a register of old marks (one case, marks on successive days for many pupils).
    code = AbsenceCode.objects.get(code="I")
    case = Case.objects.create(
        school=school,
        pupil=pupil,
        requested_by="Bench",
        requested_on=datetime.date(2015, 1, 5),
        reason=Case.Reason.MEDICAL,
        status=Case.Status.CLOSED,
        absence_code=code,
        recorded_by=head,
    )
    pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True))
    start_day = datetime.date(2012, 1, 2)
    marks = []
    for n in range(args.marks):
        pupil_id = pupils[n % len(pupils)]
        day = start_day + datetime.timedelta(days=n // len(pupils))
        marks.append(
            RegisterMark(
                school=school,
                pupil_id=pupil_id,
                date=day,
                session="AM",
                absence_code=code,
                reason=case.reason,
                case=case,
            )
        )
    RegisterMark.objects.bulk_create(marks, batch_size=5000)
    today = datetime.date.today()  # noqa: DTZ011 - a local benchmark
    started = time.perf_counter()
    dry = services.retention_dry_run(school=school, by=head.user, today=today)
    dry_seconds = time.perf_counter() - started
    counter = Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        run = services.retention_pass(school=school, by=head.user, today=today)
    pass_seconds = time.perf_counter() - started
    print(
        f"retention: dry run listed {dry.report['register']['count']} old marks in {dry_seconds:.2f} s; "
        f"the pass removed {run.report['register']['count']} in {pass_seconds:.2f} s ({counter.n} SQL statements)"
    )


if __name__ == "__main__":
    main()
