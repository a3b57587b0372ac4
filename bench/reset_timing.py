"""Password-reset request timing for a known and an unknown address (issue 25, step 5).

Run from the project root:

    DEBUG=true .venv/bin/python bench/reset_timing.py [--rounds 400]

It builds a fresh SQLite database with the demo school, then posts "forgot my password" through the
test client (the full middleware stack and allauth's view), alternating a staff address that exists
and one that does not, and prints the median and 90th percentile of each. Rate limits are cleared
between requests. Not a test: figures for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument(
        "--allauth-form", action="store_true", help="time allauth's own form instead, for the before figure"
    )
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-reset.sqlite3'}")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", pupils=60, verbosity=0)
    setup_test_environment()
    if args.allauth_form:
        from django.conf import settings

        settings.ACCOUNT_FORMS = {}
    from homelearning.people.models import Staff

    known = Staff.objects.select_related("user").first().user.email  # type: ignore[union-attr]
    unknown = "nobody-at-all@" + known.split("@", 1)[1]
    client = Client()
    times: dict[str, list[float]] = {known: [], unknown: []}
    for n in range(args.rounds * 2 + 20):
        email = known if n % 2 else unknown
        cache.clear()
        start = time.perf_counter()
        response = client.post("/accounts/password/reset/", {"email": email})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        if n >= 20:  # warm-up
            times[email].append(elapsed * 1000)
    for label, email in (("known", known), ("unknown", unknown)):
        values = sorted(times[email])
        p90 = values[int(len(values) * 0.9)]
        print(f"{label:8} median {statistics.median(values):6.2f} ms  p90 {p90:6.2f} ms  n={len(values)}")


if __name__ == "__main__":
    main()
