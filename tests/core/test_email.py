import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homelearning.core.errors import InvalidTransition
from homelearning.core.mail import email_queue, email_retry
from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import SECRET_REMOVED, retry_delay
from tests.smtp import smtp_server


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        yield inbox


def queue(world, **kw):
    defaults = {
        "to": "pat.parker@example.com",
        "subject": "Snow day: school is closed",
        "body_text": "School is closed today. Learning is on Home Learning.",
        "kind": "test.notice",
        "school": world.school,
    }
    defaults.update(kw)
    return email_queue(**defaults)


def test_an_email_and_its_job_are_written_together_or_not_at_all(world):
    jobs_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(world)
        raise RuntimeError("the service failed after queueing")
    assert OutboundEmail.objects.count() == 0
    assert DBTaskResult.objects.count() == jobs_before
    queue(world)
    assert OutboundEmail.objects.count() == 1
    assert DBTaskResult.objects.count() == jobs_before + 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_through_a_real_smtp_server(smtp):
    from tests.personas import build_world

    world = build_world()
    email = queue(world, body_html="<p>School is closed today.</p>", reply_to="office@balfour.test")
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["To"] == "pat.parker@example.com"
    assert received["Subject"] == "Snow day: school is closed"
    assert received["Reply-To"] == "office@balfour.test"
    assert received["X-Home-Learning-Id"] == email.code
    assert received["Message-ID"] == f"<{email.code}@127.0.0.1>"
    assert "School is closed today." in received.get_body(("plain",)).get_content()
    assert "<p>School is closed today.</p>" in received.get_body(("html",)).get_content()
    run_worker()
    assert len(smtp.messages) == 1, "a sent email is never sent twice"


@pytest.mark.django_db(transaction=True)
def test_a_refused_email_is_retried_with_backoff_then_shown_as_failed(smtp, settings):
    from tests.personas import build_world

    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    world = build_world()
    smtp.refuse_with = "550 5.1.1 Mailbox unavailable"
    email = queue(world)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1
    assert "Mailbox unavailable" in email.last_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=50)

    # The retry waits for its time; the worker does not pick it up early.
    run_worker()
    email.refresh_from_db()
    assert email.attempts == 1

    for minutes in (2, 2 + 5):  # past the 1-minute, then the 4-minute backoff
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True):
            run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3
    assert email.failed_at is not None
    assert not DBTaskResult.objects.filter(status="READY").exists()

    # Fixed at the mail server: the office sends it again and it arrives.
    smtp.refuse_with = None
    email_retry(email=email)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(smtp.messages) == 1


def test_retry_delays_grow():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 240, 960]


def test_only_a_failed_email_can_be_sent_again(world):
    email = queue(world)
    with pytest.raises(InvalidTransition):
        email_retry(email=email)


@pytest.mark.django_db(transaction=True)
def test_sign_in_codes_are_removed_after_sending(smtp, settings):
    from tests.personas import build_world

    world = build_world()
    settings.DEMO_MODE = False
    email = queue(world, body_text="Your code is ABC123", is_secret=True)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.body_text == SECRET_REMOVED
    assert "ABC123" in smtp.messages[0].get_body(("plain",)).get_content()


class TestEmailPage:
    url = "/emails/"

    def test_anonymous_is_sent_to_sign_in(self, world, client):
        assert client.get(self.url).status_code == 302

    @pytest.mark.parametrize("persona", ["teacher", "ta", "parent", "dsl"])
    def test_other_roles_are_refused(self, world, client_for, persona):
        assert client_for(getattr(world, persona)).get(self.url).status_code == 403

    @pytest.mark.parametrize("persona", ["office", "head", "senior"])
    def test_office_and_leaders_see_failures_with_the_reason(self, world, client_for, persona):
        email = queue(world)
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550 no such user"
        )
        queue(world, to="someone@example.com", school=world.other_school)
        response = client_for(getattr(world, persona)).get(self.url, {"status": "failed"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "550 no such user" in page
        assert "someone@example.com" not in page

    def test_resend_a_failed_email(self, world, client_for):
        email = queue(world)
        OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED)
        response = client_for(world.office).post(f"/emails/{email.code}/resend")
        assert response.status_code == 302
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.QUEUED

    def test_resend_refuses_other_schools_and_bad_states(self, world, client_for):
        theirs = queue(world, school=world.other_school)
        OutboundEmail.objects.filter(pk=theirs.pk).update(status=OutboundEmail.Status.FAILED)
        client = client_for(world.office)
        assert client.post(f"/emails/{theirs.code}/resend").status_code == 404
        assert client.post("/emails/not-a-real-code/resend").status_code == 404
        assert client.get(f"/emails/{theirs.code}/resend").status_code == 405
        ours = queue(world)  # still queued, not failed
        response = client.post(f"/emails/{ours.code}/resend", follow=True)
        assert "Only a failed email can be sent again." in response.content.decode()
        theirs.refresh_from_db()
        assert theirs.status == OutboundEmail.Status.FAILED
        assert client_for(world.teacher).post(f"/emails/{ours.code}/resend").status_code == 403


class TestDemoOutbox:
    def test_hidden_outside_demo_mode(self, world, client_for):
        assert client_for(world.head).get("/dev/outbox/").status_code == 404

    def test_shows_every_email_in_demo_mode(self, world, client, settings):
        settings.DEMO_MODE = True
        settings.DEBUG = True
        queue(world, body_text="Your code is XYZ789", is_secret=True)
        response = client.get("/dev/outbox/")
        assert response.status_code == 200
        assert "XYZ789" in response.content.decode()

    def test_every_email_is_reachable_page_by_page_and_by_address(self, world, client, settings):
        """Issue 19: the outbox showed only the newest 100; a demo day sends more."""
        settings.DEMO_MODE = True
        settings.DEBUG = True
        for n in range(120):
            queue(world, to=f"carer{n}@example.com", subject=f"Message {n}")
        first = client.get("/dev/outbox/").content.decode()
        assert "120 emails." in first and "Page 1 of 3" in first and "Message 119" in first
        last = client.get("/dev/outbox/", {"page": 3}).content.decode()
        assert "Message 0<" in last and "Message 119" not in last
        one = client.get("/dev/outbox/", {"to": "carer7@"}).content.decode()
        assert "1 email to addresses containing “carer7@”." in one and "Message 7<" in one and "Message 17" not in one
        assert client.get("/dev/outbox/", {"page": "nonsense"}).status_code == 200
