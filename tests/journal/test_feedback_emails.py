"""A carer's choice of an email per piece of feedback or one daily digest, delivered through a real SMTP server."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.journal import services, tasks
from homelearning.journal.models import DigestEntry, FeedbackEmailChoice
from homelearning.people.models import Carer
from tests.journal.builders import sent_work
from tests.personas import World
from tests.smtp import smtp_server

CHOICE = reverse("journal:email_choice")


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def smtp(settings):  # type: ignore[no-untyped-def]
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        yield inbox


def test_choice_page_ladder_and_bad_input(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(None).get(CHOICE).status_code == 302
    assert client_for(world.teacher).get(CHOICE).status_code == 403
    page = client_for(world.parent).get(CHOICE)
    assert page.status_code == 200 and b"One email a day" in page.content
    bad = client_for(world.parent).post(CHOICE, {"how": "hourly"})
    assert bad.status_code == 400
    assert not FeedbackEmailChoice.objects.exists()
    ok = client_for(world.parent).post(CHOICE, {"how": "digest"})
    assert ok.status_code == 302
    carer = Carer.objects.get(user=world.parent)
    assert services.feedback_email_choice(carer) == "digest"
    assert AuditEvent.objects.filter(action="journal.email_choice", actor=world.parent).exists()
    journal = client_for(world.parent).get(reverse("journal:child", args=[world.amy.code]))
    assert b"one email a day with all new feedback" in journal.content


@pytest.mark.django_db(transaction=True)
def test_an_email_for_each_piece_of_feedback(smtp) -> None:  # type: ignore[no-untyped-def]
    from tests.personas import build_world

    world = build_world()
    item = sent_work(world.amy, world.parent)
    services.feedback_give(item=item, by=world.staff(world.teacher), text="Lovely rocket, Amy!")
    run_worker()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "pat.parker@example.com"
    assert message["Subject"] == "New feedback on your child's work"
    body = message.get_body(("plain",)).get_content()
    assert reverse("journal:item", args=[item.code]) in body
    assert "Amy" not in body and "rocket" not in body  # neither the child's name nor the feedback leaves the app
    assert not DigestEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_daily_digest_instead(smtp) -> None:  # type: ignore[no-untyped-def]
    from tests.personas import build_world

    world = build_world()
    carer = Carer.objects.get(user=world.parent)
    services.feedback_email_choose(carers=[carer], by=world.parent, how="digest")
    first = sent_work(world.amy, world.parent)
    second = sent_work(world.ben, world.parent)
    other = sent_work(world.cara, world.other_parent)  # Cara's carer still gets one email each time
    services.feedback_give(item=first, by=world.staff(world.teacher), text="Well done")
    services.feedback_give(item=second, by=world.staff(world.teacher_ash), text="Great counting")
    services.feedback_give(item=other, by=world.staff(world.teacher), text="Super")
    run_worker()
    assert [m["To"] for m in smtp.messages] == ["q.quinn@example.com"]
    assert DigestEntry.objects.filter(carer=carer, sent_at__isnull=True).count() == 2

    tasks.feedback_digest.enqueue()
    run_worker()
    assert len(smtp.messages) == 2
    digest = smtp.messages[1]
    assert digest["To"] == "pat.parker@example.com"
    assert digest["Subject"] == "New feedback on 2 pieces of work"
    body = digest.get_body(("plain",)).get_content()
    for item in (first, second):
        assert reverse("journal:item", args=[item.code]) in body
    assert "Amy" not in body and "Ben" not in body and "Well done" not in body
    assert OutboundEmail.objects.get(kind="journal.feedback_digest").status == OutboundEmail.Status.SENT

    # Nothing new: the next day's digest sends nothing.
    tasks.feedback_digest.enqueue()
    run_worker()
    assert len(smtp.messages) == 2
    assert not DigestEntry.objects.filter(sent_at__isnull=True).exists()


def test_digest_tasks_are_registered_daily(settings) -> None:  # type: ignore[no-untyped-def]
    assert "homelearning.journal.tasks.feedback_digest" in settings.DAILY_TASKS
    assert "homelearning.journal.tasks.orphan_files_sweep" in settings.DAILY_TASKS


def test_hidden_work_is_left_out_of_the_digest(world: World) -> None:
    carer = Carer.objects.get(user=world.parent)
    services.feedback_email_choose(carers=[carer], by=world.parent, how="digest")
    item = sent_work(world.amy, world.parent)
    services.feedback_give(item=item, by=world.staff(world.teacher), text="Well done")
    services.item_hide(item=item, by=world.senior, reason="Another child's face")
    assert services.feedback_digests_send() == 0
    assert not OutboundEmail.objects.filter(kind="journal.feedback_digest").exists()
    assert not DigestEntry.objects.filter(sent_at__isnull=True).exists()
