"""Email drain benchmark (issue 15): how close the task workers come to the mail server's own speed.

Run from the project root:

    .venv/bin/python bench/email_drain.py [--emails 2000] [--workers 1 2] [--databases sqlite postgres]

For each database (a fresh SQLite file; a throwaway PostgreSQL database on 127.0.0.1:5432, trust auth, as
in CI), it migrates, then:

1. **Floor:** stores `--emails` messages and sends them all from this process with one
   `get_connection().send_messages()` (one SMTP connection, nothing written back): the speed of the
   mail server and Django's SMTP backend alone.
2. **Workers:** stores the same number again, each with its own send job (as `email_queue` does), and
   starts N real `manage.py db_worker --batch` processes, which exit when the queue is empty. Each job
   sends a batch (`EMAIL_BATCH_SIZE`) over one connection and marks every email on its own.

The mail server is aiosmtpd's Sink handler in its own process on loopback, so it never shares a
Python interpreter with a sender. Reported: messages per second for the floor; for the workers both
from launch to the last email marked sent (with the workers' start-up) and from the first email sent
to the last (the steady rate), and the steady rate as a share of the floor. Not a test: it prints
figures for BENCHMARKS.md, and checks that every email was sent exactly once by status.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[bytes]:
    sink = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return sink
        time.sleep(0.05)
    sink.kill()
    raise SystemExit("The sink SMTP server did not start.")


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603 - the psql client with our own statement
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],  # noqa: S607 - on PATH
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--batch-size", type=int, default=None, help="EMAIL_BATCH_SIZE for the workers")
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)  # the child process for one database
    args = parser.parse_args()
    if args.url:
        for row in measure(args.databases[0], args.url, args.emails, args.workers, args.batch_size):
            print("ROW " + json.dumps(row), flush=True)
        return
    rows = []
    for kind in args.databases:
        if kind == "sqlite":
            path = ROOT / "var" / "bench-email.sqlite3"
            path.parent.mkdir(exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            name = f"hl_email_{os.getpid()}"
            psql(f"CREATE DATABASE {name}")
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
        try:
            # One process per database: Django's settings are read once, at start-up.
            child = subprocess.run(  # noqa: S603 - this script, with our own arguments
                [
                    sys.executable,
                    __file__,
                    "--url",
                    url,
                    "--databases",
                    kind,
                    "--emails",
                    str(args.emails),
                    "--workers",
                    *map(str, args.workers),
                    *(["--batch-size", str(args.batch_size)] if args.batch_size else []),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            sys.stdout.write("".join(line + "\n" for line in child.stdout.splitlines() if not line.startswith("ROW ")))
            if child.returncode:
                raise SystemExit(f"{kind} failed:\n{child.stderr[-3000:]}")
            rows.extend(json.loads(line[4:]) for line in child.stdout.splitlines() if line.startswith("ROW "))
        finally:
            if kind == "postgres":
                psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print()
    print(
        "| Database | Senders | Messages | Launch to last sent (s) | msg/s | First to last sent (s) | steady msg/s"
        " | of floor |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def measure(kind: str, url: str, emails: int, workers: list[int], batch_size: int | None) -> list[list[object]]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "LOG_FORMAT": "plain",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_USE_TLS": "false",
    }
    if batch_size:
        env["EMAIL_BATCH_SIZE"] = str(batch_size)
    port = free_port()
    env["EMAIL_PORT"] = str(port)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")
    import django

    django.setup()
    from django.core.mail import get_connection
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from homelearning.core.models import OutboundEmail
    from homelearning.core.tasks import _message_for, send_email

    call_command("migrate", verbosity=0)

    def store(label: str) -> list[OutboundEmail]:
        OutboundEmail.objects.all().delete()
        DBTaskResult.objects.all().delete()
        with transaction.atomic():
            made = OutboundEmail.objects.bulk_create(
                OutboundEmail(
                    kind="bench.snowday",
                    to=f"carer{i}@example.com",
                    subject="Snow day: Balfour Infant School is closed today",
                    body_text="School is closed today because of snow. Today's learning is on Home Learning.\n" * 8,
                    body_html="<p>School is closed today because of snow.</p>" * 8,
                )
                for i in range(emails)
            )
            if label == "workers":
                for email in made:
                    send_email.enqueue(email_id=email.pk)
        return made

    results: list[list[object]] = []
    sink = start_sink(port)
    try:
        made = store("floor")
        messages = [_message_for(e) for e in made]
        started = time.perf_counter()
        sent = get_connection(fail_silently=False).send_messages(messages)
        floor_seconds = time.perf_counter() - started
        assert sent == emails, sent
        floor = emails / floor_seconds
        results.append([kind, "floor: 1 connection", emails, f"{floor_seconds:.2f}", f"{floor:.0f}", "", "", "100%"])
        print(f"{kind}: floor {emails} in {floor_seconds:.2f}s = {floor:.0f}/s", flush=True)

        for count in workers:
            store("workers")
            connections.close_all()
            started = time.perf_counter()
            procs = [
                subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
                    [
                        sys.executable,
                        str(ROOT / "manage.py"),
                        "db_worker",
                        "--batch",
                        "--no-startup-delay",
                        "--no-reload",
                        "--interval",
                        "0",
                        "--worker-id",
                        f"bench-{i}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for i in range(count)
            ]
            while OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() < emails:
                if time.perf_counter() - started > 600:
                    raise SystemExit("Not drained in 600 s.")
                if all(p.poll() is not None for p in procs):
                    break
                time.sleep(0.05)
            total = time.perf_counter() - started
            for p in procs:
                p.wait(timeout=120)
            done = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
            assert done.count() == emails, f"{done.count()} of {emails} sent"
            window = done.aggregate(first=Min("sent_at"), last=Max("sent_at"))
            steady_seconds = (window["last"] - window["first"]).total_seconds()
            steady = (emails - 1) / steady_seconds
            results.append(
                [
                    kind,
                    f"{count} worker{'s' if count > 1 else ''}",
                    emails,
                    f"{total:.2f}",
                    f"{emails / total:.0f}",
                    f"{steady_seconds:.2f}",
                    f"{steady:.0f}",
                    f"{steady / floor:.0%}",
                ]
            )
            print(
                f"{kind}: {count} worker(s) {emails} in {total:.2f}s ({emails / total:.0f}/s); "
                f"steady {steady:.0f}/s = {steady / floor:.0%} of floor",
                flush=True,
            )
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        connections.close_all()
    return results


if __name__ == "__main__":
    main()
