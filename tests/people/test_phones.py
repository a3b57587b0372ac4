"""Remember this phone (issue 19): a parent stays signed in for the school's days instead of a new code each day,
sees each remembered phone by name, and can forget one, which signs it out at once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from homelearning.core.errors import PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent
from homelearning.people import phones
from homelearning.people.models import RememberedPhone, User
from homelearning.privacy import services as privacy
from tests.personas import World

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
NOW = datetime.datetime(2027, 1, 13, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def phone(user: User, user_agent: str = ANDROID_CHROME) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    client.force_login(user)
    return client


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox on Android"),
        ("", "A web browser"),
        ("curl/8.5.0", "A web browser"),
    ],
)
def test_phone_names(user_agent: str, name: str) -> None:
    assert phones.phone_name(user_agent) == name


def test_a_parent_remembers_this_phone(world: World) -> None:
    client = phone(world.parent)
    home = client.get("/").content.decode()
    assert "Remember this phone?" in home and "for 30 days" in home
    response = client.post(reverse("people:phone_remember"), follow=True)
    assert "This phone stays signed in for 30 days." in response.content.decode()
    (remembered,) = RememberedPhone.objects.filter(user=world.parent)
    assert remembered.name == "Chrome on Android"
    assert remembered.expires_at == NOW + datetime.timedelta(days=30)
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date == NOW + datetime.timedelta(days=30)
    assert client.session.get_expire_at_browser_close() is False
    assert "Remember this phone?" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="account.phone.remember", actor=world.parent).count() == 1
    # Still signed in on day 29, not on day 31 (a fixed end: visits do not slide it on).
    with time_machine.travel(NOW + datetime.timedelta(days=29), tick=False):
        assert _signed_in(client)
    with time_machine.travel(NOW + datetime.timedelta(days=31), tick=False):
        assert not _signed_in(client)


def test_not_now_hides_the_offer_for_this_visit(world: World) -> None:
    client = phone(world.parent)
    client.post(reverse("people:phone_remember_not_now"))
    assert "Remember this phone?" not in client.get("/").content.decode()
    assert not RememberedPhone.objects.exists()
    assert client.get(reverse("people:phone_remember_not_now")).status_code == 405


def test_forgetting_another_phone_signs_it_out_at_once(world: World) -> None:
    android, iphone = phone(world.parent), phone(world.parent, IPHONE_SAFARI)
    android.post(reverse("people:phone_remember"))
    iphone.post(reverse("people:phone_remember"))
    listing = android.get(reverse("people:phone_list")).content.decode()
    assert "Chrome on Android <span" in listing and "This phone" in listing and "Safari on iPhone" in listing
    other = RememberedPhone.objects.get(name="Safari on iPhone")
    response = android.post(reverse("people:phone_forget", args=[other.code]), follow=True)
    assert "Safari on iPhone is forgotten and signed out." in response.content.decode()
    assert not _signed_in(iphone)
    assert _signed_in(android)
    assert RememberedPhone.objects.get(pk=other.pk).forgotten_at == NOW
    assert "Safari on iPhone" not in android.get(reverse("people:phone_list")).content.decode()
    assert AuditEvent.objects.filter(action="account.phone.forget").count() == 1
    # Forgotten twice: a message, nothing else changes.
    again = android.post(reverse("people:phone_forget", args=[other.code]), follow=True)
    assert "already been forgotten" in again.content.decode()


def test_forgetting_this_phone_signs_it_out(world: World) -> None:
    client = phone(world.parent)
    client.post(reverse("people:phone_remember"))
    this = RememberedPhone.objects.get()
    response = client.post(reverse("people:phone_forget", args=[this.code]))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert not _signed_in(client)


def test_signing_out_forgets_the_phone(world: World) -> None:
    client = phone(world.parent)
    client.post(reverse("people:phone_remember"))
    client.post(reverse("account_logout"))
    assert RememberedPhone.objects.get().forgotten_at == NOW
    assert phones.phones_of(world.parent) == []


def test_nobody_else_can_see_or_forget_a_phone(world: World) -> None:
    client = phone(world.parent)
    client.post(reverse("people:phone_remember"))
    remembered = RememberedPhone.objects.get()
    assert phone(world.other_parent).post(reverse("people:phone_forget", args=[remembered.code])).status_code == 404
    assert "Chrome on Android" not in phone(world.other_parent).get(reverse("people:phone_list")).content.decode()
    assert phone(world.teacher).post(reverse("people:phone_forget", args=[remembered.code])).status_code == 403
    assert RememberedPhone.objects.get().forgotten_at is None
    with pytest.raises(PermissionRefused):
        phones.phone_forget(phone=remembered, by=world.other_parent, school=world.school)


def test_staff_are_never_remembered(world: World) -> None:
    teacher = phone(world.teacher)
    assert teacher.post(reverse("people:phone_remember")).status_code == 403
    assert "Remember this phone?" not in teacher.get("/").content.decode()
    with pytest.raises(PermissionRefused, match="Staff accounts"):
        phones.phone_remember(user=world.teacher, school=world.school, session=teacher.session, user_agent="", days=30)
    assert not RememberedPhone.objects.exists()


def test_the_school_can_turn_it_off_and_shorten_it(world: World) -> None:
    client = phone(world.parent)
    client.post(reverse("people:phone_remember"))
    with time_machine.travel(NOW + datetime.timedelta(days=5), tick=False):
        later = phone(world.parent, IPHONE_SAFARI)
        later.post(reverse("people:phone_remember"))
        # Down to 7 days: the first phone (day 0) ends on day 7, the second (day 5) on day 12.
        privacy.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=90, extra_mfa_roles=[], carer_remember_days=7
        )
        first, second = RememberedPhone.objects.order_by("created_at")
        assert first.expires_at == NOW + datetime.timedelta(days=7)
        assert second.expires_at == NOW + datetime.timedelta(days=12)
        assert Session.objects.get(session_key=first.session_key).expire_date == first.expires_at
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        assert not _signed_in(client) and _signed_in(later)
        # Turned off: every remembered phone is signed out, and none is offered.
        privacy.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=90, extra_mfa_roles=[], carer_remember_days=0
        )
        assert not _signed_in(later)
        assert phones.phones_of(world.parent) == []
        fresh = phone(world.parent)
        assert "Remember this phone?" not in fresh.get("/").content.decode()
        refused = fresh.post(reverse("people:phone_remember"), follow=True)
        assert "turned off remembering phones" in refused.content.decode()
        assert phones.phones_of(world.parent) == []
        assert RememberedPhone.objects.get(name="Safari on iPhone").forgotten_at is not None


@pytest.mark.parametrize("days", ["-1", "91", "abc", "3.5"])
def test_bad_lengths_are_refused_and_change_nothing(world: World, client_for, days: str) -> None:
    from tests.safeguarding.builders import confirm_mfa

    client = client_for(world.head)
    confirm_mfa(client, world.head)
    response = client.post(reverse("privacy:sign_in_settings"), {"api_token_days": "90", "carer_remember_days": days})
    assert response.status_code == 400
    assert privacy.settings_for(world.school).carer_remember_days == 30
    with pytest.raises(ServiceError):
        privacy.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=90, extra_mfa_roles=[], carer_remember_days=91
        )


def test_the_headteacher_sets_the_days(world: World, client_for) -> None:
    from tests.safeguarding.builders import confirm_mfa

    client = client_for(world.head)
    confirm_mfa(client, world.head)
    page = client.get(reverse("privacy:sign_in_settings")).content.decode()
    assert "Parents&#x27; phones stay signed in for (days)" in page and 'value="30"' in page
    response = client.post(reverse("privacy:sign_in_settings"), {"api_token_days": "90", "carer_remember_days": "14"})
    assert response.status_code == 302
    assert privacy.settings_for(world.school).carer_remember_days == 14
    # Left empty (or from an older form): unchanged.
    client.post(reverse("privacy:sign_in_settings"), {"api_token_days": "90"})
    assert privacy.settings_for(world.school).carer_remember_days == 14
    assert "for 14 days" in phone(world.parent).get("/").content.decode()


def test_old_records_are_purged_daily(world: World) -> None:
    from homelearning.people.tasks import remembered_phones_purge

    client = phone(world.parent)
    client.post(reverse("people:phone_remember"))
    with time_machine.travel(NOW + datetime.timedelta(days=40), tick=False):
        kept = phone(world.parent, IPHONE_SAFARI)
        kept.post(reverse("people:phone_remember"))
    with time_machine.travel(NOW + datetime.timedelta(days=61), tick=False):
        assert remembered_phones_purge.call() == 0  # the first expired on day 30: not yet a month ago
    with time_machine.travel(NOW + datetime.timedelta(days=62), tick=False):
        assert remembered_phones_purge.call() == 1
        assert list(RememberedPhone.objects.values_list("name", flat=True)) == ["Safari on iPhone"]
