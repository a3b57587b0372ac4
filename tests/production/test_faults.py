"""Faults a production server meets: the database away, the disk full, the mail server down, a worker killed."""

from __future__ import annotations

import errno
import socket

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from homelearning.core.audit import AuditEvent
from homelearning.core.mail import email_queue
from homelearning.core.models import OutboundEmail
from homelearning.core.recovery import tasks_recover
from homelearning.core.tasks import send_email
from homelearning.journal import services as journal
from homelearning.journal.models import WorkFile, WorkItem, journal_storage
from tests.journal.builders import jpeg_with_gps, upload
from tests.smtp import Inbox, _free_port, smtp_server


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def use_smtp(settings, port: int) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5


def queue(world, n: int = 1) -> list[OutboundEmail]:  # type: ignore[no-untyped-def]
    return [
        email_queue(
            to=f"carer{i}@example.com",
            subject="School is closed today",
            body_text="Snow.",
            kind="t",
            school=world.school,
        )
        for i in range(n)
    ]


def delivered_ids(inbox: Inbox) -> list[str]:
    return [str(m["X-Home-Learning-Id"]) for m in inbox.messages]


# --- The database briefly unavailable ---------------------------------------------------------------


def test_database_gone_mid_request_shows_the_friendly_page_and_nothing_is_half_written(world, client_for):
    email = queue(world)[0]
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED)
    DBTaskResult.objects.all().delete()
    client = client_for(world.head)
    client.raise_request_exception = False

    def drop_on_job_insert(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        # The resend updates the email, then writes its job: the connection is lost in between.
        if sql.startswith("INSERT") and "dbtaskresult" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_on_job_insert):
        response = client.post(reverse("core:email_resend", args=[email.code]))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"back in a moment" in response.content
    assert b"Nothing you sent has been half-saved" in response.content
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED  # the status change was rolled back with the job
    assert DBTaskResult.objects.count() == 0
    assert not AuditEvent.objects.filter(action="email.resend").exists()


def test_database_down_for_every_query_still_gets_the_friendly_page(world, client_for):
    client = client_for(world.parent)
    client.raise_request_exception = False

    def down(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(down):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert b"back in a moment" in response.content


def test_other_errors_keep_the_ordinary_error_page(world, client_for, monkeypatch):
    client = client_for(world.parent)
    client.raise_request_exception = False
    monkeypatch.setattr("homelearning.core.views.people_selectors.children_of", lambda viewer: 1 / 0)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


# --- The disk full while saving an upload ------------------------------------------------------------


@pytest.fixture
def full_disk(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The journal's storage accepts the first file, then the disk is full."""
    settings.MEDIA_ROOT = tmp_path
    storage = journal_storage()
    real_save = type(storage)._save
    calls = {"n": 0}

    def save(self, name, content):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(type(storage), "_save", save)
    return tmp_path


def test_disk_full_during_an_upload_leaves_no_record_and_no_file(world, full_disk):
    items_before = WorkItem.objects.count()
    with pytest.raises(OSError, match="No space left"):
        journal.work_submit(
            pupil=world.amy, by=world.parent, by_label="Parent", uploads=[upload(jpeg_with_gps((400, 300)))]
        )
    assert WorkItem.objects.count() == items_before
    assert WorkFile.objects.count() == 0
    assert [p for p in full_disk.rglob("*") if p.is_file()] == []  # the photo written before the thumbnail is gone


def test_disk_full_during_an_upload_tells_the_parent_plainly(world, client_for, full_disk):
    client = client_for(world.parent)
    client.raise_request_exception = False
    response = client.post(
        reverse("journal:child", args=[world.amy.code]),
        {"note": "Our snowman", "uploads": [upload(jpeg_with_gps((400, 300)))]},
    )
    assert response.status_code == 507
    assert b"Your file was not saved" in response.content
    assert b"nothing you sent has been kept" in response.content
    assert not WorkItem.objects.filter(pupil=world.amy).exists()
    assert [p for p in full_disk.rglob("*") if p.is_file()] == []


# --- The mail server down for a while, then back ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_emails_wait_while_the_mail_server_is_down_and_go_once_it_returns(settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from tests.personas import build_world

    world = build_world()
    settings.EMAIL_RETRY_BASE_SECONDS = 60  # retries after 1, then 4 minutes
    port = _free_port()
    use_smtp(settings, port)
    emails = queue(world, 5)
    start = timezone.now()
    run_worker()  # nothing listens on the port: every attempt is refused, a retry is scheduled
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=True):
        run_worker()  # still down at the first retry
    for email in emails:
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.QUEUED
        assert email.attempts == 2
        assert "Connection refused" in email.last_error
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1  # one retry for the batch
    with smtp_server_on(port) as inbox, time_machine.travel(start + datetime.timedelta(minutes=7), tick=True):
        run_worker()
    assert sorted(delivered_ids(inbox)) == sorted(e.code for e in emails)  # each exactly once
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def smtp_server_on(port: int):  # type: ignore[no-untyped-def]
    """The mail server coming back on the same address."""
    import contextlib

    from aiosmtpd.controller import Controller

    @contextlib.contextmanager
    def run():  # type: ignore[no-untyped-def]
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            yield inbox
        finally:
            controller.stop()

    return run()


# --- A worker killed mid-task ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_left_running_by_a_killed_worker_runs_again_and_the_email_goes_once(settings):
    from tests.personas import build_world

    world = build_world()
    email = queue(world)[0]
    # What SIGKILL leaves behind: the job claimed by worker "web1-2" and the email claimed by its task.
    job = DBTaskResult.objects.get()
    job.claim("web1-2")
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, attempts=1, claimed_by=str(job.pk)
    )
    with smtp_server() as (inbox, port):
        use_smtp(settings, port)
        run_worker()
        assert inbox.messages == []  # a RUNNING job is never taken by another worker
        assert tasks_recover(worker_id="another-worker") == 0
        assert tasks_recover(worker_id="web1-2") == 1  # the worker restarts under its id and hands it back
        run_worker()
    assert delivered_ids(inbox) == [email.code]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.worker_ids[0] == "web1-2"


@pytest.mark.django_db(transaction=True)
def test_jobs_running_far_too_long_are_handed_back_by_age_only(settings):
    import datetime

    from django.utils import timezone

    send_email.enqueue(email_id=999_999)
    send_email.enqueue(email_id=999_998)
    old, fresh = DBTaskResult.objects.order_by("enqueued_at")
    old.claim("lost-host-1")
    fresh.claim("live-host-1")
    DBTaskResult.objects.filter(pk=old.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert tasks_recover(running_longer_than=datetime.timedelta(hours=1)) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == TaskResultStatus.READY
    assert fresh.status == TaskResultStatus.RUNNING


def test_recover_tasks_command_refuses_without_a_worker_or_a_safe_age(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--worker-id or --older-than"):
        call_command("recover_tasks")
    with pytest.raises(CommandError, match="at least 60"):
        call_command("recover_tasks", older_than=5)


def test_port_helper_gives_a_closed_port():
    port = _free_port()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
