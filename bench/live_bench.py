"""Live-session benchmark (issue 7): the waiting room under load.

Run from the project root:

    DEBUG=true .venv/bin/python bench/live_bench.py [--sessions 20] [--carers 15] [--rounds 10]

It builds a fresh SQLite database with one school, `--sessions` classes each with a live session
open now (host and monitor), and `--carers` children per class whose carers have accepted the
agreement. Then, for `--rounds` rounds, every carer polls the waiting-room fragment (htmx GET) and
every host polls the console fragment and admits one child. Requests go through Django's full
stack in-process (middleware, sessions, templates), one at a time, so the figures are per-request
server time without network. Not a test: it prints requests/second and p50/p95 latencies.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import time_machine

    # Run on a Monday morning in term, whatever day it is: the waiting room opens only on school days.
    london = ZoneInfo("Europe/London")
    today = datetime.datetime.now(tz=london).date()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    with time_machine.travel(datetime.datetime.combine(monday, datetime.time(10, 0), tzinfo=london), tick=True):
        run()


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--carers", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-live.sqlite3'}")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)

    from homelearning.core.models import Term
    from homelearning.live import services as live
    from homelearning.live.models import Invitation, LiveSession
    from homelearning.people import services as people
    from homelearning.people.models import ClassStaff, Role, User

    today = timezone.localdate()
    school = people.school_create(
        name="Bench Infant School", urn="900009", office_email="office@bench.test", staff_email_domains=["bench.test"]
    )
    Term.objects.create(
        school=school,
        name="Bench",
        first_day=today - datetime.timedelta(days=30),
        last_day=today + datetime.timedelta(days=30),
    )
    year = school.year_groups.first()
    assert year is not None
    start = timezone.now() + datetime.timedelta(minutes=1)
    hosts: list[tuple[User, LiveSession]] = []
    carers: list[tuple[User, Invitation]] = []
    for n in range(args.sessions):
        school_class = people.class_create(school=school, year_group=year, name=f"Class {n}", email=f"c{n}@bench.test")
        host = people.staff_create(
            school=school, email=f"t{n}@bench.test", first_name="T", surname=f"{n}", roles=[Role.TEACHER]
        )
        monitor = people.staff_create(
            school=school, email=f"a{n}@bench.test", first_name="A", surname=f"{n}", roles=[Role.TEACHING_ASSISTANT]
        )
        people.class_staff_assign(school_class=school_class, staff=host, kind=ClassStaff.Kind.TEACHER)
        people.class_staff_assign(school_class=school_class, staff=monitor, kind=ClassStaff.Kind.TEACHING_ASSISTANT)
        pupils = []
        for k in range(args.carers):
            pupil = people.pupil_create(
                school_class=school_class,
                legal_first_name=f"P{k}",
                surname=f"S{n}",
                date_of_birth=datetime.date(2020, 1, 1),
            )
            link = people.carer_link(
                pupil=pupil,
                first_name="C",
                surname=f"{n}-{k}",
                email=f"c{n}-{k}@example.com",
                relationship="mother",
                is_primary=True,
            )
            user = link.carer.user or User.objects.create_user(email=f"c{n}-{k}@example.com")
            if link.carer.user_id is None:
                link.carer.user = user
                link.carer.save(update_fields=["user"])
            pupils.append((pupil, user))
        session = live.session_schedule(
            by=host,
            school_class=school_class,
            kind=LiveSession.Kind.GROUP_CALL,
            title=f"Call {n}",
            starts_at=start,
            minutes=30,
            monitor=monitor,
            pupils=[p for p, _ in pupils],
        )
        hosts.append((host.user, session))
        agreement = live.agreement_current()
        for pupil, user in pupils:
            invite = session.invitations.get(pupil=pupil)
            carers.append((user, live.invitation_accept(invitation=invite, user=user, carer=None, agreement=agreement)))

    def client_for(user: User) -> Client:
        client = Client(headers={"HX-Request": "true"})
        client.force_login(user)
        return client

    carer_clients = [(client_for(u), reverse("live:invitation", args=[i.code])) for u, i in carers]
    host_clients = [(client_for(u), s) for u, s in hosts]
    poll: list[float] = []
    console: list[float] = []
    admit: list[float] = []
    began = time.perf_counter()
    for _ in range(args.rounds):
        for client, url in carer_clients:
            t = time.perf_counter()
            response = client.get(url)
            poll.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        for client, session in host_clients:
            t = time.perf_counter()
            client.get(reverse("live:session_detail", args=[session.code]))
            console.append(time.perf_counter() - t)
            waiting = session.invitations.filter(status=Invitation.Status.WAITING).first()
            if waiting is not None:
                t = time.perf_counter()
                client.post(reverse("live:invitation_decide", args=[session.code, waiting.code, "admit"]))
                admit.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - began
    total = len(poll) + len(console) + len(admit)

    def ms(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else values[0] * 1000

    print(f"sessions={args.sessions} carers/session={args.carers} rounds={args.rounds} database={connection_vendor()}")
    print(f"requests={total} in {elapsed:.1f}s -> {total / elapsed:.0f} requests/second (one at a time)")
    for name, values in (("carer waiting-room poll", poll), ("host console poll", console), ("admit", admit)):
        print(f"{name:26s} n={len(values):5d} p50={ms(values, 50):6.1f} ms  p95={ms(values, 95):6.1f} ms")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
