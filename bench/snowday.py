"""Snow-day morning load test (issue 11): gunicorn on PostgreSQL, every school closed, all on loopback.

Run from the project root (PostgreSQL with trust auth on 127.0.0.1:5432, as in CI):

    .venv/bin/python bench/snowday.py [--schools 40] [--pupils 500] [--duration 90] [--users 12]

1. Creates a throwaway database (hl_snow_<pid>), migrates it, seeds `--schools` schools of `--pupils`
   pupils (seed_demo) with a week of plans (seed_learning_demo), declares a whole-school closure for
   every school on the snow day (the next weekday) and books one live session per school whose
   carers have accepted the invitation.
2. Starts a sink SMTP server (aiosmtpd), gunicorn (`--web-workers` sync processes) and
   `--task-workers` db_worker processes, all with the clock at 08:30 on the snow day.
3. For `--duration` seconds `--users` client threads play the morning: carers open their home page
   and today's plan, open the journal and send a photo, poll the live waiting room; teachers open
   their inbox. Then, for `--bare-seconds`, the same threads ask for /bench/bare (a constant
   response through the same server and middleware) for the ratio.
4. Waits up to `--drain-limit` seconds for the closure emails to be sent, then reports requests per
   second, p50/p95/p99 per page, errors, the email drain, and the database's size. Drops the
   database unless --keep-db. Not a test: it prints figures for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LONDON = ZoneInfo("Europe/London")
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def snow_day() -> datetime.date:
    day = datetime.datetime.now(tz=LONDON).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@dataclass
class Actor:
    cookie: str
    urls: dict[str, str]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool, sample: str = "") -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{page}: {sample}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--pupils", type=int, default=500, help="pupils per school")
    parser.add_argument("--duration", type=int, default=90, help="seconds of snow-day traffic")
    parser.add_argument("--bare-seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=12, help="concurrent client threads")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--carers", type=int, default=20, help="signed-in carers per school")
    parser.add_argument("--drain-limit", type=int, default=180, help="seconds to wait for emails after the load")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import psycopg

    name = f"hl_snow_{os.getpid()}"
    admin = f"{args.postgres}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{args.postgres}/{name}"
    tmp = Path(tempfile.mkdtemp(prefix="snowday-"))
    day = snow_day()
    at = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=LONDON)
    smtp_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",
        "SNOWDAY_AT": at.isoformat(),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "HEALTH_QUEUE_MAX_AGE_SECONDS": "100000",
    }
    procs: list[subprocess.Popen[bytes]] = []
    log = (tmp / "server.log").open("ab")
    try:
        began = time.monotonic()
        seed = subprocess.run(  # noqa: S603
            [PY, str(Path(__file__)), "--seed", str(args.schools), str(args.pupils), str(args.carers)],
            env={**env, "DEBUG": "true", "SNOWDAY_SEED": "1"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if seed.returncode != 0:
            raise SystemExit(f"seeding failed:\n{seed.stdout[-3000:]}\n{seed.stderr[-3000:]}")
        setup_seconds = time.monotonic() - began
        actors = parse_actors(seed.stdout)
        subprocess.run(  # noqa: S603
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        procs.append(
            subprocess.Popen(  # noqa: S603
                [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Sink"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        )
        procs.append(
            subprocess.Popen(  # noqa: S603
                [
                    *(PY, "-m", "gunicorn", "bench.snowday_wsgi:application", "--bind", f"127.0.0.1:{web_port}"),
                    *("--workers", str(args.web_workers), "--timeout", "60", "--log-level", "warning"),
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        )
        workers_started = time.monotonic()
        for n in range(args.task_workers):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [PY, "bench/snowday_wsgi.py", "db_worker", "--worker-id", f"snow-{n}", "--no-reload", "-v0"],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=log,
                )
            )
        base = f"http://127.0.0.1:{web_port}"
        wait_for(f"{base}/health/")

        results = Results()
        load_began = time.monotonic()
        run_threads(args.users, args.duration, lambda s, rnd: snow_morning(s, rnd, base, actors, results))
        load_seconds = time.monotonic() - load_began
        bare = Results()
        run_threads(args.users, args.bare_seconds, lambda s, rnd: timed(s, bare, "bare", "GET", f"{base}/bench/bare"))
        with psycopg.connect(url) as conn:
            sent_during_load = conn.execute("SELECT count(*) FROM core_outboundemail WHERE status = 'sent'").fetchone()
        drain = wait_for_drain(url, workers_started, args.drain_limit)
        drain["during_load"] = sent_during_load[0] if sent_during_load else 0
        with psycopg.connect(url) as conn:
            size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]  # type: ignore[index]
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM people_pupil), (SELECT count(*) FROM people_school),"
                " (SELECT count(*) FROM journal_workitem)"
            ).fetchone()
        report(args, day, setup_seconds, load_seconds, results, bare, drain, size, counts)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep_db:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp / "media", ignore_errors=True)
        shutil.rmtree(tmp / "static", ignore_errors=True)
        print(f"(server log: {tmp / 'server.log'}; database {name} {'kept' if args.keep_db else 'dropped'})")


# --- Seeding (a child process with DEBUG on and the clock at the snow-day morning) -------------------


def seed(schools: int, pupils: int, carers_per_school: int) -> None:
    import django

    import bench.snowday_wsgi  # noqa: F401 - moves the clock to SNOWDAY_AT

    django.setup()
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from homelearning.live import services as live
    from homelearning.live.models import LiveSession
    from homelearning.people.models import ClassStaff, PupilCarer, School, User
    from homelearning.provision import services as provision
    from homelearning.provision.models import Closure

    call_command("migrate", verbosity=0)
    call_command("seed_demo", schools=schools, pupils=pupils, stdout=io.StringIO())
    call_command("seed_learning_demo", days=3, stdout=io.StringIO())
    today = timezone.localdate()

    def cookie(user: User) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return str(session.session_key)

    rnd = random.Random(11)
    agreement = live.agreement_current()
    for school in School.objects.order_by("pk"):
        head = school.staff.filter(roles__role="headteacher").first() or school.staff.first()
        provision.closure_declare(
            by=head,
            reason=Closure.Reason.EXTREME_WEATHER,
            scope=Closure.Scope.WHOLE_SCHOOL,
            first_day=today,
            last_day=today,
        )
        teacher_link = ClassStaff.objects.filter(school_class__school=school, kind=ClassStaff.Kind.TEACHER).first()
        ta_link = ClassStaff.objects.filter(
            school_class=teacher_link.school_class, kind=ClassStaff.Kind.TEACHING_ASSISTANT
        ).first()
        live_class = teacher_link.school_class
        teacher = teacher_link.staff
        if not Authenticator.objects.filter(user=teacher.user, type=Authenticator.Type.TOTP).exists():
            Authenticator.objects.create(user=teacher.user, type=Authenticator.Type.TOTP, data={"secret": "A" * 32})
        print("teacher", cookie(teacher.user), reverse("journal:inbox"), sep="\t")
        # A group call within the policy's limit (15 children by default); the rest of the class is at home.
        live_pupils = list(live_class.pupils.filter(left_on__isnull=True).order_by("pk")[:12])
        session = live.session_schedule(
            by=teacher,
            school_class=live_class,
            kind=LiveSession.Kind.GROUP_CALL,
            title="Snow-day story time",
            starts_at=timezone.now() + datetime.timedelta(minutes=3),  # the waiting room is open
            minutes=30,
            monitor=ta_link.staff,
            pupils=live_pupils,
        )
        links = list(
            PupilCarer.objects.filter(pupil__school=school, carer__user__isnull=False, is_primary=True).select_related(
                "pupil", "carer__user"
            )
        )
        in_call = [link for link in links if link.pupil in live_pupils]
        others = [link for link in links if link.pupil not in live_pupils]
        chosen = in_call + rnd.sample(others, max(0, min(carers_per_school - len(in_call), len(others))))
        for link in chosen:
            user = link.carer.user
            pupil = link.pupil
            fields = [
                "carer",
                cookie(user),
                reverse("home"),
                reverse("learning:child_day", args=[pupil.code, today.isoformat()]),
                reverse("journal:child", args=[pupil.code]),
            ]
            invite = session.invitations.filter(pupil=pupil).first()
            if invite is not None:
                live.invitation_accept(invitation=invite, user=user, carer=link.carer, agreement=agreement)
                fields.append(reverse("live:invitation", args=[invite.code]))
            print(*fields, sep="\t")


def parse_actors(text: str) -> dict[str, list[Actor]]:
    actors: dict[str, list[Actor]] = {"carer": [], "teacher": [], "live": []}
    for line in text.splitlines():
        kind, *rest = line.split("\t")
        if kind == "teacher":
            actors["teacher"].append(Actor(rest[0], {"inbox": rest[1]}))
        elif kind == "carer":
            urls = {"home": rest[1], "plan": rest[2], "journal": rest[3]}
            if len(rest) > 4:
                urls["waiting_room"] = rest[4]
            actor = Actor(rest[0], urls)
            actors["carer"].append(actor)
            if "waiting_room" in urls:
                actors["live"].append(actor)
    if not actors["carer"] or not actors["teacher"] or not actors["live"]:
        raise SystemExit(f"seeding produced no actors: {text[-2000:]}")
    return actors


# --- The morning ------------------------------------------------------------------------------------------

# Share of requests: carers reading dominate; photos and teachers' inboxes are the heavy minority.
MIX = [("home", 15), ("plan", 40), ("journal", 10), ("photo", 5), ("waiting_room", 25), ("inbox", 5)]
CSRF = "snowdaybenchcsrfsecret0123456789"  # 32 characters: Django accepts the unmasked secret


def photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    image = Image.radial_gradient("L").convert("RGB").resize((1600, 1200))
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


PHOTO = b""


def snow_morning(session, rnd: random.Random, base: str, actors: dict[str, list[Actor]], results: Results) -> None:  # type: ignore[no-untyped-def]
    page = rnd.choices([p for p, _ in MIX], weights=[w for _, w in MIX])[0]
    if page == "inbox":
        actor = rnd.choice(actors["teacher"])
        timed(session, results, page, "GET", base + actor.urls["inbox"], actor.cookie)
    elif page == "waiting_room":
        actor = rnd.choice(actors["live"])
        timed(session, results, page, "GET", base + actor.urls[page], actor.cookie, headers={"HX-Request": "true"})
    elif page == "photo":
        actor = rnd.choice(actors["carer"])
        timed(
            session,
            results,
            page,
            "POST",
            base + actor.urls["journal"],
            actor.cookie,
            data={"csrfmiddlewaretoken": CSRF, "note": "Our snowman"},
            files={"uploads": ("snowman.jpg", PHOTO, "image/jpeg")},
            expect=302,
        )
    else:
        actor = rnd.choice(actors["carer"])
        timed(session, results, page, "GET", base + actor.urls[page], actor.cookie)


def timed(  # type: ignore[no-untyped-def]
    session, results: Results, page: str, method: str, url: str, cookie: str = "", expect: int = 200, **kw
) -> None:
    cookies = {"sessionid": cookie, "csrftoken": CSRF} if cookie else {}
    t = time.perf_counter()
    try:
        response = session.request(method, url, cookies=cookies, allow_redirects=False, timeout=60, **kw)
        ok = response.status_code == expect
        sample = f"{response.status_code} {url} {response.headers.get('Location', '')}"
    except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
        ok, sample = False, f"{type(exc).__name__} {url}"
    results.add(page, time.perf_counter() - t, ok, sample)


def run_threads(count: int, seconds: int, step) -> None:  # type: ignore[no-untyped-def]
    import requests

    stop = time.monotonic() + seconds

    def loop(n: int) -> None:
        rnd = random.Random(n)
        with requests.Session() as session:
            while time.monotonic() < stop:
                step(session, rnd)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_for(url: str) -> None:
    import requests

    for _ in range(120):
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def wait_for_drain(url: str, started: float, limit: int) -> dict[str, float]:
    """Wait until every email is sent and no job is left (or the limit passes); the counts and seconds."""
    import psycopg

    deadline = time.monotonic() + limit
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            total, sent = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'sent') FROM core_outboundemail"
            ).fetchone()  # type: ignore[misc]
            pending = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()[0]  # type: ignore[index]
            if (total and sent == total and not pending) or time.monotonic() > deadline:
                return {"total": total, "sent": sent, "seconds": time.monotonic() - started}
            time.sleep(1)


def ms(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(args, day, setup_seconds, load_seconds, results, bare, drain, size, counts) -> None:  # type: ignore[no-untyped-def]
    total = sum(len(v) for v in results.latencies.values())
    errors = sum(results.errors.values())
    bare_n = len(bare.latencies["bare"])
    rps, bare_rps = total / load_seconds, bare_n / args.bare_seconds
    print(
        f"\nSnow day {day:%A %-d %B %Y}: {counts[1]} schools, {counts[0]} pupils, all closed; "
        f"setup {setup_seconds:.0f} s; gunicorn {args.web_workers} sync workers, {args.task_workers} task workers, "
        f"{args.users} client threads, {load_seconds:.0f} s"
    )
    print(
        f"requests={total} -> {rps:.1f} req/s, errors={errors}; bare view {bare_rps:.0f} req/s "
        f"(ratio bare/mixed {bare_rps / rps:.1f}x; bare errors={sum(bare.errors.values())})"
    )
    print(f"{'page':16s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'errors':>6s}")
    for page, _ in [*MIX, ("bare", 0)]:
        values = (bare if page == "bare" else results).latencies.get(page, [])
        errs = (bare if page == "bare" else results).errors.get(page, 0)
        print(
            f"{page:16s} {len(values):6d} {ms(values, 50):8.1f} {ms(values, 95):8.1f} {ms(values, 99):8.1f} {errs:6d}"
        )
    for sample in results.error_samples:
        print("  error:", sample)
    done = drain["sent"] == drain["total"]
    rate = drain["sent"] / drain["seconds"] if drain["seconds"] else 0
    print(
        f"closure emails: {drain['sent']}/{drain['total']} sent "
        + (f"in {drain['seconds']:.0f} s" if done else f"after {drain['seconds']:.0f} s (limit reached)")
        + f" from worker start ({rate:.1f}/s overall; {drain['during_load']:.0f} sent while the load ran)"
    )
    print(f"photos stored: {counts[2]}; database size after the morning: {size}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--seed":
        seed(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        PHOTO = photo()
        main()
