"""A carer with a mobile and no email address signs in with a code sent by text (issue 16)."""

from __future__ import annotations

import re

from django.urls import reverse

from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import SECRET_REMOVED
from homelearning.people import services as people_services
from homelearning.people.models import Carer, PupilCarer, User
from homelearning.texts.models import OutboundText
from tests.fake_notify import FakeNotify, run_text_jobs
from tests.personas import World

REQUEST = "/accounts/login/code/"


def _mum_with_no_email(world: World) -> Carer:
    link = people_services.carer_link(
        pupil=world.cara,
        first_name="Magda",
        surname="Nowak",
        email="",
        phone="07700 900321",
        relationship=PupilCarer.Relationship.MOTHER,
    )
    return link.carer


def test_a_carer_with_only_a_mobile_gets_a_login_that_takes_no_email(world: World) -> None:
    carer = _mum_with_no_email(world)
    assert carer.phone == "+447700900321" and carer.user is not None
    assert carer.user.phone == "+447700900321" and carer.user.email.endswith("@sms.invalid")
    # Nothing is ever emailed to that reserved address.
    from homelearning.core.mail import email_queue

    assert email_queue(to=carer.user.email, subject="x", body_text="x", kind="x") is None
    assert not OutboundEmail.objects.filter(to=carer.user.email).exists()


def test_a_landline_for_a_carer_with_no_email_is_refused(world: World) -> None:
    import pytest

    from homelearning.core.errors import ServiceError

    with pytest.raises(ServiceError, match="UK mobile number"):
        people_services.carer_link(
            pupil=world.cara, first_name="L", surname="Line", email="", phone="020 7946 0123", relationship="mother"
        )
    assert not Carer.objects.filter(surname="Line").exists()


def test_signing_in_by_text_in_the_carers_language(notify: FakeNotify, world: World, client) -> None:  # type: ignore[no-untyped-def]
    carer = _mum_with_no_email(world)
    Carer.objects.filter(pk=carer.pk).update(preferred_language="pl")
    response = client.post(REQUEST, {"phone": "07700 900321"})
    assert response.status_code == 302
    # Before signing in the page is in the browser's language; the text is in the carer's.
    assert "sent a code by text to 07700 900321" in client.get(response["Location"]).content.decode()
    assert run_text_jobs() == ["sent"]
    (body,) = notify.bodies()
    assert body.startswith("Twój kod logowania do Home Learning to ")
    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", body)
    assert code is not None
    text = OutboundText.objects.get()
    assert text.kind == "account.login_code" and text.body == SECRET_REMOVED and text.school == world.school
    confirmed = client.post(response["Location"], {"code": code.group(1)})
    assert confirmed.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and [c.pupil.first_name for c in home.context["children"]] == ["Cara"]
    assert User.objects.get(pk=carer.user_id).phone_verified


def test_an_unknown_or_staff_number_gets_no_text_and_learns_nothing(notify: FakeNotify, world: World, client) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=world.teacher.pk).update(phone="+447700900999")
    for number in ("07700 900555", "07700 900999"):
        response = client.post(REQUEST, {"phone": number})
        assert response.status_code == 302, "the page looks the same as for a real parent"
    assert run_text_jobs() == [] and notify.sent == []


def test_a_bad_number_or_both_fields_are_refused_with_a_message(notify: FakeNotify, world: World, client) -> None:  # type: ignore[no-untyped-def]
    page = client.post(REQUEST, {"phone": "020 7946 0123"})
    assert page.status_code == 200 and "That is a landline number" in page.content.decode()
    page = client.post(REQUEST, {"phone": "07700 900321", "email": "pat.parker@example.com"})
    assert (
        page.status_code == 200
        and "Fill in your email address or your mobile number, not both." in page.content.decode()
    )
    assert not OutboundText.objects.exists()


def test_an_empty_request_is_refused_with_a_message(notify: FakeNotify, world: World, client) -> None:  # type: ignore[no-untyped-def]
    for data in ({}, {"email": "", "phone": ""}, {"email": "  ", "phone": " "}):
        page = client.post(REQUEST, data)
        assert page.status_code == 200
        assert "Fill in your email address or your mobile number." in page.content.decode()
    assert not OutboundText.objects.exists() and not OutboundEmail.objects.exists()


def test_the_request_page_offers_email_or_mobile(world: World, client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(REQUEST).content.decode()
    assert 'type="tel"' in page and 'autocomplete="tel"' in page and "Mobile number" in page
    assert reverse("account_request_login_code") == REQUEST
