"""Retention (DPR-03): the schedule as data, dry run first, then a pass that removes what was listed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from homelearning.core.errors import ServiceError
from homelearning.core.mail import email_queue
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.engagement.models import PlanOpening
from homelearning.journal.models import Comment, Feedback, WorkFile, WorkItem
from homelearning.people.models import Carer, Pupil, User
from homelearning.privacy import services, tasks
from homelearning.privacy.models import Anonymised, RetentionRule, RetentionRun
from homelearning.privacy.retention import rules_for
from homelearning.provision.models import RegisterMark
from homelearning.safeguarding.models import Concern, ConcernEntry, Contact, VulnerablePupil
from tests.personas import World
from tests.privacy.builders import carer_of, every_record

TODAY = datetime.date(2026, 11, 2)


def _age_everything(days: int) -> None:
    """Move every dated record back `days` days (as if the data were that old)."""
    delta = datetime.timedelta(days=days)
    for mark in RegisterMark.objects.all():
        RegisterMark.objects.filter(pk=mark.pk).update(date=mark.date - delta)
    for item in WorkItem.objects.all():
        WorkItem.objects.filter(pk=item.pk).update(created_at=item.created_at - delta)
    for email in OutboundEmail.objects.all():
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=email.created_at - delta, status="sent")


def test_the_defaults_are_the_issues(world: World) -> None:
    periods = rules_for(world.school)
    assert periods == {
        "register": 6,
        "safeguarding": 25,
        "work": 1,
        "live_registers": 12,
        "call_logs": 12,
        "emails": 12,
        "pupil_leavers": 6,
        "carer_leavers": 12,
    }


def test_the_headteacher_edits_the_schedule(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.head)
    data = {**rules_for(world.school), "emails": 6}
    response = client.post(reverse("privacy:retention"), data)
    assert response.status_code == 302
    assert rules_for(world.school)["emails"] == 6
    event = AuditEvent.objects.get(action="privacy.retention.rules")
    assert event.details["emails"] == 6


def test_a_register_period_below_the_legal_minimum_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("privacy:retention"), {**rules_for(world.school), "register": 5})
    assert response.status_code == 400
    assert b"at least 6 years" in response.content
    assert b"Pupil Registration" in response.content
    assert not RetentionRule.objects.exists()


def test_bad_numbers_are_refused_and_change_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("privacy:retention"), {**rules_for(world.school), "emails": "lots"})
    assert response.status_code == 400
    assert b"Enter a whole number" in response.content
    too_short = client_for(world.head).post(
        reverse("privacy:retention"), {**rules_for(world.school), "safeguarding": 18}
    )
    assert too_short.status_code == 400 and b"25th birthday" in too_short.content
    assert not RetentionRule.objects.exists()


def test_only_the_headteacher_changes_or_runs_it(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(world.senior).get(reverse("privacy:retention")).status_code == 200
    assert client_for(world.senior).post(reverse("privacy:retention"), rules_for(world.school)).status_code == 403
    assert client_for(world.senior).post(reverse("privacy:retention_dry_run")).status_code == 403
    assert client_for(world.teacher).get(reverse("privacy:retention")).status_code == 403
    assert client_for(world.parent).get(reverse("privacy:retention")).status_code == 403
    assert client_for(world.outsider_head).post(reverse("privacy:retention_pass")).status_code == 302
    assert not RetentionRun.objects.filter(school=world.school).exists()


def test_a_pass_needs_a_dry_run_first(world: World) -> None:
    with pytest.raises(ServiceError, match="dry run first"):
        services.retention_pass(school=world.school, by=world.head, today=TODAY)


def test_dry_run_lists_then_the_pass_removes_only_what_was_listed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    every_record(world)
    email_queue(to="pat.parker@example.com", subject="Old news", body_text="x", kind="x", school=world.school)
    _age_everything(days=7 * 366)
    mark = RegisterMark.objects.get()
    old_opening = PlanOpening.objects.create(school=world.school, pupil=mark.pupil, day=mark.date)
    recent_opening = PlanOpening.objects.create(school=world.school, pupil=mark.pupil, day=timezone.localdate())
    photo = WorkFile.objects.get()
    stored = photo.file.path
    client = client_for(world.head)
    morning = timezone.now() + datetime.timedelta(minutes=5)  # from today, whatever today is
    with time_machine.travel(morning):
        client.post(reverse("privacy:retention_dry_run"))
    dry = RetentionRun.objects.get(dry_run=True)
    assert dry.report["register"]["count"] == 1
    assert dry.report["work"]["count"] == 1
    assert dry.report["emails"]["count"] == 1
    assert RegisterMark.objects.count() == 1 and WorkItem.objects.count() == 1  # nothing removed yet
    page = client.get(reverse("privacy:retention"))
    assert b"Attendance register marks" in page.content

    # A record that falls due after the dry run waits for the next one.
    email_queue(to="pat.parker@example.com", subject="Also old", body_text="y", kind="x", school=world.school)
    OutboundEmail.objects.filter(subject="Also old").update(created_at=timezone.now() - datetime.timedelta(days=800))
    with time_machine.travel(morning + datetime.timedelta(minutes=10)), django_capture_on_commit():
        client.post(reverse("privacy:retention_pass"))
    assert not RegisterMark.objects.exists()
    # A plan opened goes with the register marks of its days; a recent one stays.
    kept = set(PlanOpening.objects.values_list("pk", flat=True))
    assert recent_opening.pk in kept and old_opening.pk not in kept
    assert not WorkItem.objects.exists() and not Feedback.objects.exists() and not Comment.objects.exists()
    assert list(OutboundEmail.objects.values_list("subject", flat=True)) == ["Also old"]
    import os

    assert not os.path.exists(stored)
    event = AuditEvent.objects.get(action="privacy.retention.pass")
    assert event.details["register"]["count"] == 1 and event.details["work"]["action"] == "deleted"
    # What went, never its content.
    assert "WorkItem-marker" not in str(event.details) and "Old news" not in str(event.details)


def django_capture_on_commit():  # type: ignore[no-untyped-def]
    """Run on_commit callbacks (the file removal) inside the test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_safeguarding_records_go_at_the_childs_25th_birthday_not_before(world: World) -> None:
    every_record(world)
    Pupil.objects.filter(pk=world.amy.pk).update(date_of_birth=datetime.date(2001, 11, 3))
    services.retention_dry_run(school=world.school, by=world.head, today=TODAY)
    services.retention_pass(school=world.school, by=world.head, today=TODAY)
    assert Concern.objects.count() == 1 and Contact.objects.count() == 1  # 24 until tomorrow

    tomorrow = TODAY + datetime.timedelta(days=1)
    services.retention_dry_run(school=world.school, by=world.head, today=tomorrow)
    services.retention_pass(school=world.school, by=world.head, today=tomorrow)
    assert not Concern.objects.exists() and not ConcernEntry.objects.exists()
    assert not Contact.objects.exists() and not VulnerablePupil.objects.exists()
    assert AuditEvent.objects.filter(action="privacy.retention.pass").first().details["safeguarding"]["count"] >= 1


@pytest.mark.parametrize("safeguarding", [False, True])
def test_a_leaver_is_anonymised_after_six_years_unless_safeguarding_records_are_kept(
    world: World, safeguarding: bool
) -> None:
    if safeguarding:
        every_record(world)
    Pupil.objects.filter(pk__in=[world.amy.pk, world.ben.pk]).update(left_on=datetime.date(2019, 7, 20))
    pat = carer_of(world.amy)
    from homelearning.core.audit import audit

    audit(action="test.parent_did_something", actor=world.parent, school=world.school)
    services.retention_dry_run(school=world.school, by=world.head, today=TODAY)
    services.retention_pass(school=world.school, by=world.head, today=TODAY)
    amy = Pupil.objects.get(pk=world.amy.pk)
    ben = Pupil.objects.get(pk=world.ben.pk)
    assert (ben.legal_first_name, ben.surname) == ("Former", "pupil")
    if safeguarding:
        assert amy.surname == "Parker"  # kept while the DSL's records need the name
    else:
        assert (amy.legal_first_name, amy.preferred_first_name, amy.surname, amy.upn) == ("Former", "", "pupil", None)
    # The carer's children have all left, long enough ago: anonymised, the login emptied but kept.
    carer = Carer.objects.get(pk=pat.pk)
    assert (carer.first_name, carer.email, carer.phone, carer.user_id) == ("Former", "", "", None)
    user = User.objects.get(pk=world.parent.pk)
    assert not user.is_active and user.email.endswith("@invalid.invalid") and not user.has_usable_password()
    assert AuditEvent.objects.filter(action="test.parent_did_something", actor=user).exists()
    assert Anonymised.objects.filter(carer=carer).exists()
    # Cara is still on roll: her family is untouched.
    assert Carer.objects.get(email="q.quinn@example.com").first_name == "Quentin"


def test_the_daily_task_dry_runs_first_then_removes(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    assert "homelearning.privacy.tasks.retention_daily" in settings.DAILY_TASKS
    email_queue(to="pat.parker@example.com", subject="Old", body_text="x", kind="x", school=world.school)
    OutboundEmail.objects.update(created_at=timezone.now() - datetime.timedelta(days=800), status="sent")
    first = tasks.retention_daily.call()
    assert first == {}  # the first day only lists
    assert OutboundEmail.objects.filter(subject="Old").exists()
    assert RetentionRun.objects.filter(school=world.school, dry_run=True).count() == 1
    second = tasks.retention_daily.call()
    assert second[world.school.code] == 1
    assert not OutboundEmail.objects.filter(subject="Old").exists()
    assert RetentionRun.objects.filter(school=world.school, dry_run=True).count() == 2


def test_live_registers_and_call_logs_go_after_a_year(world: World) -> None:
    from homelearning.journal.models import CallRequest
    from homelearning.live.models import Invitation, LiveSession

    every_record(world)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    LiveSession.objects.update(starts_at=long_ago)
    CallRequest.objects.update(status="done", called_at=long_ago)
    recent = CallRequest.objects.create(
        school=world.school,
        pupil=world.amy,
        asked_by_label="Pat",
        reason="Recent call",
        status="done",
        called_at=timezone.now(),
    )
    today = timezone.localdate()
    dry = services.retention_dry_run(school=world.school, by=world.head, today=today)
    assert dry.report["live_registers"]["count"] == 1 and dry.report["call_logs"]["count"] == 1
    from homelearning.translation.models import MachineTranslation

    kept = dict(source_hash="a" * 64, language="pl", provider="azure")
    MachineTranslation.objects.create(school=world.school, text="pl: rozmowa z Amy", **kept)
    MachineTranslation.objects.create(school=world.other_school, text="pl: inna szkoła", **kept)
    services.retention_pass(school=world.school, by=world.head, today=today)
    assert not Invitation.objects.exists()
    assert list(CallRequest.objects.all()) == [recent]
    # Machine translations hold the words they translate: they go with the school's records, not after them.
    assert list(MachineTranslation.objects.values_list("school", flat=True)) == [world.other_school.pk]


def test_a_leaver_named_only_in_a_filtering_alert_keeps_their_name(world: World) -> None:
    from homelearning.safeguarding.models import FilterAlert

    FilterAlert.objects.create(
        school=world.school,
        occurred_at=timezone.now(),
        device_user="amy.p",
        category="Adult content",
        pupil=world.amy,
        logged_by=world.dsl,
    )
    Pupil.objects.filter(pk=world.amy.pk).update(left_on=datetime.date(2019, 7, 20))
    services.retention_dry_run(school=world.school, by=world.head, today=TODAY)
    services.retention_pass(school=world.school, by=world.head, today=TODAY)
    assert Pupil.objects.get(pk=world.amy.pk).surname == "Parker"


def _leavers(world: World, n: int, tag: str) -> list[Pupil]:
    from homelearning.people import services as people_services

    pupils = []
    for i in range(n):
        pupil = people_services.pupil_create(
            school_class=world.ash,
            legal_first_name=f"Leaver{tag}{i}",
            surname="Gone",
            date_of_birth=datetime.date(2012, 1, 1),
            upn=None,
        )
        people_services.carer_link(
            pupil=pupil,
            first_name="Carer",
            surname=f"Gone{tag}{i}",
            email=f"gone{tag}{i}@example.com",
            relationship="mother",
            is_primary=True,
        )
        pupils.append(pupil)
    Pupil.objects.filter(pk__in=[p.pk for p in pupils]).update(left_on=datetime.date(2019, 7, 20))
    return pupils


def _pass_queries(world: World) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.retention_dry_run(school=world.school, by=world.head, today=TODAY)
    with CaptureQueriesContext(connection) as captured:
        services.retention_pass(school=world.school, by=world.head, today=TODAY)
    return len(captured)


def test_the_pass_anonymises_any_number_of_leavers_in_the_same_queries(world: World) -> None:
    few = _leavers(world, 2, "a")
    first = _pass_queries(world)
    many = _leavers(world, 9, "b")
    # One of them is also a member of staff at the school now: that login must stay as it is.
    staff_login = User.objects.get(email="goneb0@example.com")
    from homelearning.people.models import Staff

    Staff.objects.create(school=world.school, user=staff_login, first_name="Carer", surname="Goneb0")
    second = _pass_queries(world)
    assert first == second
    for pupil in [*few, *many]:
        pupil.refresh_from_db()
        assert (pupil.legal_first_name, pupil.surname, pupil.upn) == ("Former", "pupil", None)
    gone = Carer.objects.filter(pupil_links__pupil__in=[*few, *many])
    assert gone.count() == 11 and set(gone.values_list("first_name", "email", "user")) == {("Former", "", None)}
    assert Anonymised.objects.filter(pupil__in=[*few, *many]).count() == 11
    assert Anonymised.objects.filter(carer__in=gone).count() == 11
    closed = User.objects.filter(email__startswith="anonymised-")
    assert closed.count() == 10 and not closed.filter(is_active=True).exists()
    assert {u.email for u in closed} == {f"anonymised-{u.pk}@invalid.invalid" for u in closed}
    assert not any(u.has_usable_password() for u in closed)
    staff_login.refresh_from_db()
    assert staff_login.email == "goneb0@example.com" and staff_login.is_active  # still staff: kept
