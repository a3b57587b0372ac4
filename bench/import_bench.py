"""Roster import benchmark (issue 10): a generated 10,000-pupil CSV with 18,000 carers.

Run from the project root:

    DEBUG=true .venv/bin/python bench/import_bench.py [--pupils 10000] [--database sqlite:///var/bench-import.sqlite3]

It builds a fresh database, generates the CSV in memory (one row per pupil-carer
link, the SIMS/Arbor layout), then times the preview (read, validate, compare)
and the commit (one transaction), and, in a second pass on a fresh school, the
peak Python memory of each with tracemalloc. Not a test: it prints figures for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ROSTER_MAX_UPLOAD_BYTES", "50000000")
    import django

    django.setup()
    from django.core.management import call_command

    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def generate_csv(*, pupils: int, school_number: int) -> bytes:
    from homelearning.people.upn import upn_check_letter

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "UPN",
            "Adno",
            "Legal Forename",
            "Preferred Forename",
            "Legal Surname",
            "DOB",
            "Reg Group",
            "Year Group",
            "Contact Forename",
            "Contact Surname",
            "Relationship",
            "Parental Responsibility",
            "Priority",
            "Contact Email",
            "Contact Phone",
        ]
    )
    years = ("Reception", "Year 1", "Year 2")
    for n in range(pupils):
        # Fictional LA 999; a serial over 999 moves to the next "year allocated" so every UPN is distinct.
        body = f"999{school_number:04d}{10 + n // 1000:02d}{n % 1000:03d}"
        upn = upn_check_letter(body) + body
        year = n % 3
        pupil = [
            upn,
            f"{n:06d}",
            f"Child{n}",
            "",
            f"Family{n}",
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2022 - year}",
            f"{years[year][:1]}{years[year][-1]}-{n % 10}",
            years[year],
        ]
        carers = 2 if n < pupils * 8 // 10 else 1
        for c in range(carers):
            writer.writerow(
                [
                    *pupil,
                    f"Carer{c}",
                    f"Family{n}",
                    "Mother" if c == 0 else "Father",
                    "Yes",
                    str(c + 1),
                    f"carer{c}.family{n}@example.com",
                    f"07700 9{n % 100000:05d}",
                ]
            )
    return out.getvalue().encode("utf-8")


def run(*, pupils: int, number: int, measure_memory: bool) -> dict[str, float]:
    from homelearning.people import services as people_services
    from homelearning.people.models import Carer, Pupil, Role
    from homelearning.roster import services

    school = people_services.school_create(
        name=f"Bench School {number}",
        urn=f"{900000 + number}",
        office_email="office@bench.test",
        staff_email_domains=["bench.test"],
    )
    office = people_services.staff_create(
        school=school, email=f"office{number}@bench.test", first_name="O", surname="Office", roles=[Role.OFFICE]
    ).user
    data = generate_csv(pupils=pupils, school_number=number)
    figures: dict[str, float] = {"csv_mb": len(data) / 1_000_000}

    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    batch = services.import_upload(
        school=school, by=office, upload=io.BytesIO(data), file_name="bench.csv", size=len(data)
    )
    figures["preview_s"] = time.perf_counter() - started
    if measure_memory:
        figures["preview_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.reset_peak()
    assert not batch.problems, batch.problems[:5]
    started = time.perf_counter()
    services.import_commit(batch=batch, by=office)
    figures["commit_s"] = time.perf_counter() - started
    if measure_memory:
        figures["commit_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
    figures["pupils"] = Pupil.objects.filter(school=school).count()
    figures["carers"] = Carer.objects.filter(school=school).count()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}")
    args = parser.parse_args()
    _setup(args.database)
    timed = run(pupils=args.pupils, number=1, measure_memory=False)
    print(
        f"{timed['pupils']:.0f} pupils, {timed['carers']:.0f} carers, CSV {timed['csv_mb']:.1f} MB: "
        f"preview {timed['preview_s']:.1f} s, commit {timed['commit_s']:.1f} s, "
        f"together {timed['preview_s'] + timed['commit_s']:.1f} s"
    )
    memory = run(pupils=args.pupils, number=2, measure_memory=True)
    print(
        f"peak Python memory (tracemalloc, a second school): preview {memory['preview_peak_mb']:.0f} MB, "
        f"commit {memory['commit_peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
