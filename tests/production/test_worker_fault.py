"""Two real `db_worker` processes on PostgreSQL, 2,000 emails, one worker SIGKILLed mid-run (mid-batch).

Delivery is *at least once*: a worker killed after the SMTP server accepted a message but before it
recorded "sent" leaves that email to be sent again when its job is handed back (recover_tasks, run by
systemd's ExecStartPre as the worker restarts). Receivers can drop such a repeat by its
X-Home-Learning-Id header. The test asserts that nothing is lost, that no email is sent twice except
the one (at most) in flight at the moment of the kill, and prints how many repeats there were. Each job
sends a batch over one connection (core.tasks.emails_send_batch); the killed worker's batch is handed
back with its job.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import send_email
from tests.production.helpers import ROOT, database_url_for_subprocesses, manage, requires_postgres
from tests.smtp import Inbox, _free_port

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

EMAILS = int(os.environ.get("FAULT_TEST_EMAILS", "2000"))
KILL_AFTER = EMAILS // 4  # messages delivered before worker 1 is killed
DEADLINE = 300  # seconds; the run takes well under a minute on two cores


class SlowInbox(Inbox):
    """Records each message, then takes a moment to say "250 accepted": a kill then often lands mid-task,
    after the server has the message but before the worker knows it was sent (the at-least-once case)."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(0.01)
        return reply


@contextlib.contextmanager
def slow_smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = SlowInbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def start_worker(worker_id: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def test_two_workers_one_killed_every_email_delivered_none_lost(tmp_path):
    assert connection.vendor == "postgresql"
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(kind="test.snowday", to=f"carer{i}@example.com", subject="School is closed", body_text="Snow.")
        for i in range(EMAILS)
    )
    for email in emails:
        send_email.enqueue(email_id=email.pk)
    codes = set(OutboundEmail.objects.values_list("code", flat=True))
    assert len(codes) == EMAILS

    with slow_smtp_server() as (inbox, port):
        env = {
            "DATABASE_URL": database_url_for_subprocesses(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "false",
            "LOG_FORMAT": "plain",
        }
        log = tmp_path / "workers.log"
        workers = {wid: start_worker(wid, env, log) for wid in ("fault-w1", "fault-w2")}
        try:
            started = time.monotonic()
            while len(inbox.messages) < KILL_AFTER:
                assert time.monotonic() - started < DEADLINE, f"too slow before the kill: {log.read_text()[-2000:]}"
                assert all(w.poll() is None for w in workers.values()), log.read_text()[-2000:]
                time.sleep(0.05)
            # Aim for the middle of a task: kill while worker 1 holds a running job (if it does within 2 s).
            aim = time.monotonic() + 2
            running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, worker_ids__contains=["fault-w1"])
            while not running.exists() and time.monotonic() < aim:
                pass
            workers["fault-w1"].send_signal(signal.SIGKILL)
            workers["fault-w1"].wait(timeout=10)
            at_kill = len(inbox.messages)
            left_running = list(
                DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("worker_ids", flat=True)
            )
            # What systemd does on Restart=always: ExecStartPre hands back the dead worker's jobs, then it starts.
            recovered = manage("recover_tasks", "--worker-id", "fault-w1", env=env)
            assert recovered.returncode == 0, recovered.stderr
            workers["fault-w1"] = start_worker("fault-w1", env, log)
            while OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() < EMAILS:
                assert time.monotonic() - started < DEADLINE, (
                    f"not all delivered: {Counter(OutboundEmail.objects.values_list('status', flat=True))}"
                )
                time.sleep(0.2)
            # Batches send emails ahead of their own jobs; those jobs then find nothing left and finish.
            unfinished = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
            while unfinished.exists():
                assert time.monotonic() - started < DEADLINE, f"jobs left: {unfinished.count()}"
                time.sleep(0.2)
        finally:
            for worker in workers.values():
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers.values():
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()

    delivered = Counter(str(m["X-Home-Learning-Id"]) for m in inbox.messages)
    repeats = sum(n - 1 for n in delivered.values())
    print(
        f"\n{EMAILS} emails, worker killed after {at_kill} deliveries; running then: {left_running}; "
        f"{recovered.stdout.strip()} "
        f"delivered {len(inbox.messages)} messages, {len(delivered)} distinct, {repeats} repeat(s)"
    )
    assert set(delivered) == codes  # none lost
    assert repeats <= 1  # only the message in flight at the kill can go twice
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
    jobs = DBTaskResult.objects.filter(task_path="homelearning.core.tasks.send_email")
    assert not jobs.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    # Both workers shared the work: each job's last claimant was one of the two, and both sent batches.
    by_worker = Counter(job.worker_ids[-1] for job in jobs.only("worker_ids"))
    assert set(by_worker) == {"fault-w1", "fault-w2"}
    assert min(by_worker.values()) > EMAILS // 20
    senders = {job.worker_ids[-1] for job in jobs.only("worker_ids", "return_value") if "sent" in str(job.return_value)}
    assert senders == {"fault-w1", "fault-w2"}
