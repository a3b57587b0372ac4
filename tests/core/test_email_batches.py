"""Emails leave in batches over one SMTP connection, each still marked sent, retried or failed on its own."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from homelearning.core.models import OutboundEmail
from homelearning.core.recovery import tasks_recover
from homelearning.core.tasks import emails_claim
from tests.personas import build_world
from tests.production.test_faults import queue
from tests.smtp import Inbox, _free_port

pytestmark = pytest.mark.django_db(transaction=True)


class CountingInbox(Inbox):
    """Also records which connection (the client's port) carried each message, and refuses chosen addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.connections: list[int] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.connections.append(session.peer[1])
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def inbox_for(settings) -> Iterator[CountingInbox]:  # type: ignore[no-untyped-def]
    inbox, port = CountingInbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        yield inbox
    finally:
        controller.stop()


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def codes_received(inbox: Inbox) -> list[str]:
    return sorted(str(m["X-Home-Learning-Id"]) for m in inbox.messages)


@pytest.mark.parametrize(("emails", "batch", "connections"), [(7, 50, 1), (120, 50, 3)])
def test_queued_emails_share_one_connection_per_batch(settings, emails: int, batch: int, connections: int) -> None:
    settings.EMAIL_BATCH_SIZE = batch
    world = build_world()
    queued = queue(world, emails)
    with inbox_for(settings) as inbox:
        run_worker()
    assert codes_received(inbox) == sorted(e.code for e in queued)  # each exactly once
    assert len(set(inbox.connections)) == connections
    assert set(OutboundEmail.objects.values_list("status", "attempts", "claimed_by")) == {("sent", 1, "")}
    jobs = DBTaskResult.objects.filter(task_path="homelearning.core.tasks.send_email")
    assert jobs.count() == emails and not jobs.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_a_refused_address_in_a_batch_is_retried_alone(settings) -> None:
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    world = build_world()
    queued = queue(world, 5)
    with inbox_for(settings) as inbox:
        inbox.refuse = {"carer2@example.com"}
        run_worker()
        refused = OutboundEmail.objects.get(to="carer2@example.com")
        assert refused.status == OutboundEmail.Status.QUEUED
        assert "Mailbox unavailable" in refused.last_error
        assert refused.next_attempt_at is not None
        assert refused.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
        assert codes_received(inbox) == sorted(e.code for e in queued if e.to != "carer2@example.com")

        # Another email's job runs before the backoff is over: it does not take the waiting one early.
        queue(world, 1)
        run_worker()
        refused.refresh_from_db()
        assert refused.attempts == 1 and len(inbox.messages) == 5

        inbox.refuse = set()
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
            run_worker()
    refused.refresh_from_db()
    assert refused.status == OutboundEmail.Status.SENT and refused.attempts == 2
    assert len(inbox.messages) == 6


def test_a_lost_server_fails_the_rest_of_the_batch_for_a_retry_without_trying_each(settings) -> None:
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    world = build_world()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", _free_port(), False
    queue(world, 4)
    run_worker()  # nothing listens there
    rows = list(OutboundEmail.objects.values_list("status", "attempts"))
    assert rows == [("queued", 1)] * 4
    assert all("Connection refused" in e for e in OutboundEmail.objects.values_list("last_error", flat=True))
    # One retry job for the batch, due when the emails' backoff ends (not one job and one UPDATE an email).
    (waiting,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    due = set(OutboundEmail.objects.values_list("next_attempt_at", flat=True))
    assert len(due) == 1 and waiting.run_after == due.pop() and waiting.run_after > timezone.now()


def test_two_claims_never_share_an_email() -> None:
    world = build_world()
    emails = queue(world, 10)
    first = emails_claim(email_id=emails[5].pk, claim="job-a", limit=4)
    second = emails_claim(email_id=emails[5].pk, claim="job-b", limit=100)
    assert {e.pk for e in first} == {emails[i].pk for i in (5, 0, 1, 2)}  # its own first, then the oldest
    assert len(first) == 4 and len(second) == 6
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert emails_claim(email_id=emails[0].pk, claim="job-c", limit=100) == []


def test_a_dead_workers_batch_goes_back_to_the_queue_and_each_email_goes_once(settings) -> None:
    world = build_world()
    emails = queue(world, 6)
    job = DBTaskResult.objects.order_by("enqueued_at").first()
    assert job is not None
    # What SIGKILL mid-batch leaves: the job RUNNING under worker "web1-1", its batch SENDING, 2 already sent.
    job.claim("web1-1")
    batch = emails_claim(email_id=emails[0].pk, claim=str(job.pk), limit=6)
    OutboundEmail.objects.filter(pk__in=[batch[0].pk, batch[1].pk]).update(status=OutboundEmail.Status.SENT)
    with inbox_for(settings) as inbox:
        run_worker()  # the other jobs find nothing ready: the batch is held by the dead worker
        assert inbox.messages == []
        assert tasks_recover(worker_id="web1-1") == 1
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count() == 4
        run_worker()
    assert codes_received(inbox) == sorted(e.code for e in batch[2:])
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
