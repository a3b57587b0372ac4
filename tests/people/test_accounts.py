"""Signing in: staff with a password (and an authenticator app for leaders and DSLs), parents with an emailed code."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator

from homelearning.core.errors import ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.people import services
from homelearning.people.models import Role
from tests.personas import PASSWORD, TOTP_SECRET

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def latest_email_to(address):
    return OutboundEmail.objects.filter(to=address).order_by("-id").first()


def test_a_teacher_signs_in_with_a_password(world, client):
    response = sign_in(client, "teacher@balfour.test")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["viewer"].staff.first_name == "Tom"
    assert AuditEvent.objects.filter(action="account.login", actor=world.teacher, school=world.school).exists()


def test_the_headteacher_must_also_give_an_authenticator_code(world, client):
    response = sign_in(client, "head@balfour.test")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302, "not signed in until the code is given"

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()

    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(world, client):
    for _ in range(5):
        response = sign_in(client, "teacher@balfour.test", "wrong-password")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = sign_in(client, "teacher@balfour.test")  # the right password, too late
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_parent_signs_in_with_an_emailed_code(world, client):
    response = client.post("/accounts/login/code/", {"email": "pat.parker@example.com"})
    assert response.status_code == 302
    email = latest_email_to("pat.parker@example.com")
    assert email.is_secret
    assert email.school == world.school
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", email.body_text, re.MULTILINE).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert [c.pupil.first_name for c in home.context["children"]] == ["Ben", "Amy"]


def test_a_wrong_code_does_not_sign_a_parent_in(world, client):
    response = client.post("/accounts/login/code/", {"email": "pat.parker@example.com"})
    confirm = response["Location"]
    response = client.post(confirm, {"code": "AAAAAA"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_an_unknown_address_gets_no_code_and_learns_nothing(world, client):
    response = client.post("/accounts/login/code/", {"email": "stranger@example.com"})
    assert response.status_code == 302, "the page looks the same as for a real parent"
    assert not OutboundEmail.objects.filter(to="stranger@example.com").exists()


def test_staff_are_told_to_use_their_password_instead_of_a_code(world, client):
    client.post("/accounts/login/code/", {"email": "teacher@balfour.test"})
    email = latest_email_to("teacher@balfour.test")
    assert email.kind == "account.staff_use_password"
    assert "sign in with their school email address and password" in email.body_text
    assert not re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", email.body_text)


def test_nobody_can_sign_themselves_up(world, client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    client.post("/accounts/signup/", {"email": "new@balfour.test", "password1": "a-long-enough-password-1"})
    assert not world.school.staff.filter(user__email="new@balfour.test").exists()


def test_a_leader_without_an_authenticator_must_set_one_up_first(world, client_for):
    Authenticator.objects.filter(user=world.senior).delete()
    client = client_for(world.senior)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before adding an authenticator: that page must be reachable.
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert client_for(world.teacher).get("/").status_code == 200, "a teacher is not forced"


def test_staff_accounts_must_use_a_school_domain(world):
    with pytest.raises(ServiceError, match=r"@balfour\.test"):
        services.staff_create(
            school=world.school, email="someone@gmail.example", first_name="S", surname="O", roles=[Role.TEACHER]
        )


def test_staff_need_a_known_role(world):
    with pytest.raises(ServiceError, match="role"):
        services.staff_create(
            school=world.school, email="x@balfour.test", first_name="X", surname="Y", roles=["wizard"]
        )
    assert not world.school.staff.filter(user__email="x@balfour.test").exists()


def test_a_person_can_be_both_parent_and_staff(world, client):
    from homelearning.people.models import PupilCarer

    services.carer_link(
        pupil=world.cara,
        first_name="Tom",
        surname="Teal",
        email="teacher@balfour.test",
        relationship=PupilCarer.Relationship.FATHER,
    )
    sign_in(client, "teacher@balfour.test")
    response = client.get("/")
    assert response.context["viewer"].is_staff
    assert [c.pupil.first_name for c in response.context["children"]] == ["Cara"]
    assert client.get(f"/children/{world.cara.code}/").status_code == 200
