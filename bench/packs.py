"""Paper packs benchmark (issue 6): print a class's packs, 5 school days each.

Run from the project root:

    DEBUG=true .venv/bin/python bench/packs.py [--pupils 30] [--database sqlite:///var/bench-packs.sqlite3]

It builds a fresh database with the test personas' school, a class of N children without a device,
a week's plan (each day: maths with a web link, so a QR code, and a one-page PDF worksheet; and
reading), a whole-school closure for that week and one requested pack per child. Then it prints the
whole class the way the office does (`batch_run`: each pack rendered by WeasyPrint, its worksheet
merged with pypdf, stored, then joined into files of at most 10 packs), and reports the time per pack, the total,
and the process's peak memory (ru_maxrss) rise. Run it for 10, 30 and 60 children to see that memory
stays flat as the class grows. Not a test: it prints figures for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database: str, media: Path) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-packs.sqlite3'}")
    args = parser.parse_args()
    media = ROOT / "var" / "bench-packs-media"
    _setup(args.database, media)

    import time_machine

    from homelearning.packs import services
    from homelearning.packs.models import Pack, PackBatch
    from homelearning.people import services as people
    from homelearning.people.models import Pupil
    from tests.packs.builders import closure_week, planned_week
    from tests.personas import build_world

    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC), tick=True):
        world = build_world()
        office = world.staff(world.office)
        for n in range(args.pupils):
            people.pupil_create(
                school_class=world.ash,
                legal_first_name=f"Child{n:03d}",
                surname=f"Bench{n:03d}",
                date_of_birth=datetime.date(2019, 5, 1),
                has_device=False,
            )
        closure_week(world)
        planned_week(world.ash, world.staff(world.teacher_ash))
        pupils = list(Pupil.objects.filter(school_class=world.ash, surname__startswith="Bench"))
        for pupil in pupils:
            services.pack_request(pupil=pupil, by=office, via=Pack.Via.OFFERED)

        # Warm up WeasyPrint's fonts and stylesheets outside the measurement, as a worker would be.
        from homelearning.packs.pdf import html_to_pdf

        html_to_pdf("<p>warm</p>")
        from django.db import reset_queries

        snaps: list = []  # type: ignore[type-arg]
        if os.environ.get("BENCH_TRACE"):
            tracemalloc.start()
        rss_before = _rss_mb()
        batch = PackBatch.objects.create(school=world.school, school_class=world.ash, requested_by=office)
        timings: list[float] = []
        peaks: list[float] = []
        original = services._print  # each pack's render and store, as batch_run calls it

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timings.append(time.perf_counter() - start)
                peaks.append(_rss_mb())
                reset_queries()  # DEBUG keeps every SQL statement; not part of the work measured
                if os.environ.get("BENCH_TRACE") and len(timings) in (3, 12):
                    snaps.append(tracemalloc.take_snapshot())

        services._print = timed
        start = time.perf_counter()
        batch = services.batch_run(batch=batch)
        total = time.perf_counter() - start
        services._print = original
        rss_after = _rss_mb()

    if len(snaps) == 2:
        for stat in snaps[1].compare_to(snaps[0], "lineno")[:12]:
            print(stat)
    pages = sum(Pack.objects.values_list("pages", flat=True))
    print(f"children: {args.pupils} · packs printed: {batch.pack_count}")
    from homelearning.packs.models import pack_storage

    size = sum(pack_storage().size(f["name"]) for f in batch.files)
    print(f"pages: {pages} · joined into {len(batch.files)} file(s), {size / 1024:.0f} KB")
    print(f"problems: {len(batch.problems)}")
    print(f"per pack: median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms")
    print(f"whole class (print, store, join): {total:.1f} s")
    print(
        f"peak memory: {rss_before:.0f} MB before; after the 1st pack {peaks[0]:.0f} MB, "
        f"after the last {peaks[-1]:.0f} MB; after joining {rss_after:.0f} MB (+{rss_after - rss_before:.0f} MB)"
    )


if __name__ == "__main__":
    main()
