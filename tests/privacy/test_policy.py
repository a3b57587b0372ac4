"""The policy page (POL-01), the review reminder, and the privacy notice for parents."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.people.models import PolicyVersion
from homelearning.privacy import tasks
from homelearning.privacy.models import PolicyReviewReminder
from tests.personas import World
from tests.smtp import smtp_server

POLICY = reverse("privacy:policy_in_force")


@pytest.mark.parametrize("who", ["parent", "teacher", "head"])
def test_staff_and_parents_read_the_policy_in_force(world: World, client_for, who: str) -> None:  # type: ignore[no-untyped-def]
    page = client_for(getattr(world, who)).get(POLICY)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Remote Learning Policy" in text
    assert "December 2025" in text and "December 2027" in text
    for linked in ("Behaviour Policy", "Anti-Bullying Policy", "GDPR Policy", "Online Safety Policy"):
        assert linked in text
    assert reverse("privacy:notice") in text


def test_anonymous_visitors_sign_in_first(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(None).get(POLICY).status_code == 302


def test_the_headteacher_edits_the_linked_policies(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.head)
    response = client.post(POLICY, {"links": "Behaviour Policy | https://balfour.test/behaviour\nGDPR Policy"})
    assert response.status_code == 302
    page = client_for(world.parent).get(POLICY).content.decode()
    assert 'href="https://balfour.test/behaviour"' in page
    assert "Anti-Bullying" not in page
    assert AuditEvent.objects.filter(action="privacy.linked_policies.change").exists()


def test_bad_links_and_other_people_change_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    bad = client_for(world.head).post(POLICY, {"links": "Behaviour Policy | javascript:alert(1)"})
    assert bad.status_code == 400 and b"must start with https://" in bad.content
    assert client_for(world.parent).post(POLICY, {"links": "Mine"}).status_code == 403
    assert client_for(world.teacher).post(POLICY, {"links": "Mine"}).status_code == 403
    assert b"Anti-Bullying Policy" in client_for(world.parent).get(POLICY).content


def test_the_review_date_warning_for_staff(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2027, 10, 15, 9, tzinfo=datetime.UTC)):
        assert b"due for review" in client_for(world.head).get(POLICY).content
    with time_machine.travel(datetime.datetime(2027, 9, 1, 9, tzinfo=datetime.UTC)):
        assert b"due for review" not in client_for(world.head).get(POLICY).content


@pytest.mark.django_db(transaction=True)
def test_the_headteacher_is_reminded_60_days_before_the_review(settings) -> None:  # type: ignore[no-untyped-def]
    from tests.personas import build_world

    assert "homelearning.privacy.tasks.policy_review_reminders" in settings.DAILY_TASKS
    world = build_world()
    policy = PolicyVersion.objects.get(school=world.school, in_force=True)
    assert policy.review_warning_days == 60
    with time_machine.travel(datetime.datetime(2027, 10, 1, 9, tzinfo=datetime.UTC)):  # 61 days before
        assert tasks.policy_review_reminders.call() == 0
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        with time_machine.travel(datetime.datetime(2027, 10, 2, 9, tzinfo=datetime.UTC)):  # 60 days before
            assert tasks.policy_review_reminders.call() == 2  # each school's headteacher
            assert tasks.policy_review_reminders.call() == 0  # once per version
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    heads = [m for m in inbox.messages if m["To"] == "head@balfour.test"]
    assert len(heads) == 1
    assert "review due by 1 December 2027" in heads[0]["Subject"]
    assert "/privacy/policy/" in heads[0].get_body().get_content()
    assert len([m for m in inbox.messages if m["To"] == "head@elsewhere.test"]) == 1
    assert PolicyReviewReminder.objects.filter(policy=policy).count() == 1
    assert OutboundEmail.objects.filter(kind="privacy.policy_review", to="senior@balfour.test").count() == 0


def test_the_privacy_notice_is_open_to_anyone(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    anonymous = client_for(None).get(reverse("privacy:notice"))
    assert anonymous.status_code == 200
    text = anonymous.content.decode()
    assert "public task" in text and "6 years" in text and "is 25 years old" in text
    assert "Balfour" not in text  # no school named to a stranger


def test_the_privacy_notice_for_a_parent_names_the_school_and_its_periods(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from homelearning.privacy import services

    services.retention_rules_set(school=world.school, by=world.head, periods={"emails": 6})
    text = client_for(world.parent).get(reverse("privacy:notice")).content.decode()
    assert "Balfour Test Infant School" in text and "office@balfour.test" in text
    assert "records of emails we sent: 6 months" in text
    assert "subject access request" in text and "one month" in text
