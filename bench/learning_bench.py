"""Throughput benchmark (issue 4): a parent's today page and a teacher's plan page under gunicorn.

Run from the project root:

    .venv/bin/python bench/learning_bench.py [--seconds 10] [--concurrency 8] [--workers 2] [--rounds 2]

It builds var/bench-learning.sqlite3 (seed_demo + seed_learning_demo, and today's plans copied from the
next school day so the parent's page has a full day on it even at a weekend), signs a parent and a
teacher in (database sessions), starts gunicorn (sync workers, DEBUG off) and loads three URLs in turn,
round after round, from a small keep-alive-free Python load generator:

* bare: a view that returns a constant string, behind the same middleware (the ceiling);
* parent: `/` for a parent with two children (today's plan for each);
* teacher: the day's plan editor for the teacher's class.

Each request carries the signed-in session cookie, so the bare view pays for the same session and viewer
lookups. Prints requests/second, p50 and p95 latency and each page's throughput as a share of the bare
view's. Not a test: the figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench-learning.sqlite3"
ENV = {
    "DATABASE_URL": f"sqlite:///{DB}",
    "SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    # As in production: hashed, compressed static files served by whitenoise (collectstatic below).
    "STATIC_MANIFEST": "true",
}


def _prepare() -> tuple[str, str, str, str]:
    """Fresh demo data; returns (parent cookie, teacher cookie, parent path, teacher path)."""
    DB.unlink(missing_ok=True)
    env = {**os.environ, **ENV, "DEBUG": "true", "DEMO_MODE": "true"}
    py = sys.executable
    for args in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"], ["seed_learning_demo"]):
        subprocess.run([py, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own manage.py
    os.environ.update(ENV)
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from homelearning.learning.models import Activity, Plan
    from homelearning.people.models import Carer, ClassStaff

    settings.ALLOWED_HOSTS = ["*"]
    today = timezone.localdate()
    # Today's plans, copied from the next planned day, so the parent's page is full whatever today is.
    for plan in Plan.objects.filter(date__gt=today).order_by("school_class_id", "date").distinct():
        if Plan.objects.filter(school_class_id=plan.school_class_id, date=today).exists():
            continue
        copy = Plan.objects.create(school=plan.school, school_class_id=plan.school_class_id, date=today)
        for a in Activity.objects.filter(plan=plan, pupil__isnull=True).prefetch_related("resources"):
            new = Activity.objects.create(
                plan=copy,
                position=a.position,
                subject_id=a.subject_id,
                title=a.title,
                instructions=a.instructions,
                minutes=a.minutes,
            )
            new.resources.set(a.resources.all())
    carer = (
        Carer.objects.filter(user__isnull=False)
        .annotate(n=Count("pupil_links"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    link = ClassStaff.objects.filter(kind=ClassStaff.Kind.TEACHER).select_related("staff__user", "school_class").first()
    assert carer is not None and carer.user is not None and link is not None
    cookies = []
    for user in (carer.user, link.staff.user):
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    teacher_path = f"/classes/{link.school_class.code}/learning/{today.isoformat()}/"
    print(f"parent: {carer.user.email} ({carer.n} children); teacher: {link.staff.user.email} ({link.school_class})")
    return cookies[0], cookies[1], "/", teacher_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
            finally:
                conn.close()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    parent_cookie, teacher_cookie, parent_path, teacher_path = _prepare()
    port = _free_port()
    env = {
        **os.environ,
        **ENV,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "DJANGO_SETTINGS_MODULE": "bench.learning_settings",
    }
    server = subprocess.Popen(  # noqa: S603 - the venv's own gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "homelearning.wsgi:application",
            "--workers",
            str(options.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        targets = {
            "bare": ("/bench/bare", parent_cookie),
            "parent": (parent_path, parent_cookie),
            "teacher": (teacher_path, teacher_cookie),
        }
        for name, (path, cookie) in targets.items():  # warm up and check each answers 200
            _, _, bad = _load(port, path, cookie, 1, 2)
            assert bad == 0, f"{name} ({path}) did not answer 200"
        results: dict[str, list[float]] = {name: [] for name in targets}
        counts = {name: 0 for name in targets}
        elapsed = {name: 0.0 for name in targets}
        for _ in range(options.rounds):
            for name, (path, cookie) in targets.items():
                n, latencies, bad = _load(port, path, cookie, options.seconds, options.concurrency)
                assert bad == 0, f"{bad} failed requests for {name}"
                results[name] += latencies
                counts[name] += n
                elapsed[name] += options.seconds
        bare_rps = counts["bare"] / elapsed["bare"]
        print(
            f"\ngunicorn {options.workers} sync workers, {options.concurrency} concurrent clients, "
            f"{options.rounds} x {options.seconds:g} s per page, {datetime.date.today()}"  # noqa: DTZ011
        )
        print("| Page | Requests/s | p50 (ms) | p95 (ms) | Share of bare |")
        print("| --- | --- | --- | --- | --- |")
        for name in targets:
            rps = counts[name] / elapsed[name]
            cuts = statistics.quantiles(results[name], n=100)
            print(f"| {name} | {rps:.0f} | {cuts[49] * 1000:.1f} | {cuts[94] * 1000:.1f} | {rps / bare_rps:.0%} |")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
