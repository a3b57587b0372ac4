"""Texts are queued with the data, sent through GOV.UK Notify (a local fake that checks every request),
retried, never lost; counted against the school's monthly allowance, with the office warned at 80%."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import SECRET_REMOVED
from homelearning.people.models import Carer
from homelearning.texts import services
from homelearning.texts.models import CallOrPost, OutboundText, TextAllowance
from tests.fake_notify import API_KEY, TASK, TEMPLATE_ID, FakeNotify, run_text_jobs
from tests.personas import World

MOBILE = "07700 900123"


def _pat(world: World, **changes: object) -> Carer:
    carer = Carer.objects.get(user=world.parent, school=world.school)
    for name, value in changes.items():
        setattr(carer, name, value)
    carer.save()
    return carer


def test_a_text_is_queued_then_sent_through_notify(notify: FakeNotify, world: World) -> None:
    pat = _pat(world, phone=MOBILE)
    text = services.text_queue(
        to=pat.phone, body="School is closed today.", kind="test", school=world.school, carer=pat
    )
    assert text is not None and text.status == OutboundText.Status.QUEUED and text.to == "+447700900123"
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # queued in the same transaction
    assert notify.sent == []
    assert run_text_jobs() == ["sent"]
    (sent,) = notify.sent
    assert sent == {
        "phone_number": "+447700900123",
        "template_id": TEMPLATE_ID,
        "personalisation": {"body": "School is closed today."},
        "reference": text.code,
    }
    text.refresh_from_db()
    assert text.status == OutboundText.Status.SENT and text.provider_id and text.attempts == 1
    assert run_text_jobs() == []  # sent once


def test_a_sign_in_code_is_not_kept_once_sent(notify: FakeNotify, world: World) -> None:
    text = services.text_queue(to=MOBILE, body="Code 1234", kind="account.login_code", school=None, is_secret=True)
    run_text_jobs()
    assert text is not None
    text.refresh_from_db()
    assert text.body == SECRET_REMOVED and notify.bodies() == ["Code 1234"]


@pytest.mark.parametrize("mode", ["rate_limited", "http500", "slow"])
def test_a_failure_is_retried_later_and_then_sent(notify: FakeNotify, world: World, mode: str, settings) -> None:  # type: ignore[no-untyped-def]
    pat = _pat(world, phone=MOBILE)
    settings.TEXT_PROVIDER_TIMEOUT = 0.3
    notify.mode = mode
    text = services.text_queue(to=MOBILE, body="Hello", kind="test", school=world.school, carer=pat)
    assert run_text_jobs()[0].startswith("retrying")
    assert text is not None
    text.refresh_from_db()
    assert text.status == OutboundText.Status.QUEUED and text.next_attempt_at and text.last_error
    assert run_text_jobs() == []  # not before its time
    notify.mode = "ok"
    with time_machine.travel(text.next_attempt_at + datetime.timedelta(seconds=1)):
        assert run_text_jobs() == ["sent"]
    text.refresh_from_db()
    assert text.status == OutboundText.Status.SENT and text.attempts == 2


def test_after_the_last_attempt_the_message_goes_to_the_office(notify: FakeNotify, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TEXT_MAX_ATTEMPTS = 1
    pat = _pat(world, phone=MOBILE)
    notify.mode = "http500"
    services.text_queue(
        to=MOBILE, body="Zamknięte", kind="closure", school=world.school, carer=pat, office_note="School closed today"
    )
    assert run_text_jobs()[0].startswith("failed after 1 attempts")
    entry = CallOrPost.objects.get()
    assert (entry.carer, entry.reason, entry.message) == (pat, CallOrPost.Reason.TEXT_FAILED, "School closed today")


def test_a_number_notify_refuses_fails_at_once_for_the_office(notify: FakeNotify, world: World) -> None:
    pat = _pat(world, phone=MOBILE)
    notify.mode = "bad_number"
    services.text_queue(to=MOBILE, body="Hello", kind="test", school=world.school, carer=pat, office_note="Say hello")
    assert run_text_jobs() == [
        "failed: GOV.UK Notify refused the text: ValidationError: phone_number Not a UK mobile number"
    ]
    assert OutboundText.objects.get().status == OutboundText.Status.FAILED
    assert CallOrPost.objects.get().reason == CallOrPost.Reason.TEXT_FAILED


def test_a_wrong_key_is_refused_by_the_server_and_retried(notify: FakeNotify, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_API_KEY = API_KEY[:-4] + "0000"
    services.text_queue(to=MOBILE, body="Hello", kind="test", school=world.school)
    assert run_text_jobs()[0].startswith("retrying: GOV.UK Notify answered 403: AuthError: Invalid token")
    assert notify.sent == []


def test_bad_input_changes_nothing(notify: FakeNotify, world: World) -> None:
    assert services.text_queue(to="020 7946 0123", body="Hello", kind="test", school=world.school) is None
    with pytest.raises(services.ServiceError, match="at most 6 parts"):
        services.text_queue(to=MOBILE, body="x" * 1000, kind="test", school=world.school)
    assert not OutboundText.objects.exists() and not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_the_monthly_allowance_warns_the_office_at_80_percent_once_then_stops(notify: FakeNotify, world: World) -> None:
    TextAllowance.objects.create(school=world.school, monthly_segments=5)
    for _ in range(3):
        assert services.text_queue(to=MOBILE, body="Hi", kind="test", school=world.school) is not None
    assert not OutboundEmail.objects.filter(kind="texts.allowance_warning").exists()
    services.text_queue(to=MOBILE, body="Hi", kind="test", school=world.school)  # 4 of 5: 80%
    services.text_queue(to=MOBILE, body="Hi", kind="test", school=world.school)
    (warning,) = OutboundEmail.objects.filter(kind="texts.allowance_warning")
    assert warning.to == world.school.office_email and "4 of this month's 5" in warning.subject
    # Used up: an ordinary text does not go; a sign-in code still does.
    assert services.text_queue(to=MOBILE, body="Hi", kind="test", school=world.school) is None
    assert services.text_queue(to=MOBILE, body="Code", kind="login", school=world.school, is_secret=True)
    assert services.used_this_month(world.school) == 6
    # A new month starts again.
    with time_machine.travel(services.month_start() + datetime.timedelta(days=32)):
        assert services.used_this_month(world.school) == 0
        assert services.text_queue(to=MOBILE, body="Hi", kind="test", school=world.school) is not None


def test_the_channel_follows_the_preference_then_falls_back(notify: FakeNotify, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    pat = _pat(world, phone=MOBILE)
    assert services.channel_for(pat) == "email"
    pat.contact_by = Carer.ContactBy.TEXT
    assert services.channel_for(pat) == "text"
    pat.phone = "020 7946 0123"  # a landline takes no text
    assert services.channel_for(pat) == "email"
    pat.email = ""
    assert services.channel_for(pat) == "office"
    pat.phone = MOBILE
    settings.TEXTS_PROVIDER = ""  # no provider: no texts
    assert services.channel_for(pat) == "office"


def test_text_or_office_puts_it_on_the_list_when_no_text_can_go(notify: FakeNotify, world: World) -> None:
    pat = _pat(world, phone="", email="")
    assert (
        services.text_or_office(carer=pat, school=world.school, kind="closure", text="x", office_note="Closed")
        == "office"
    )
    TextAllowance.objects.create(school=world.school, monthly_segments=0)
    pat = _pat(world, phone=MOBILE)
    assert (
        services.text_or_office(carer=pat, school=world.school, kind="closure", text="x", office_note="Closed")
        == "office"
    )
    assert list(CallOrPost.objects.values_list("reason", flat=True)) == ["no_contact", "over_limit"]
