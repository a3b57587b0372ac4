"""Staff sign in with the school's Microsoft 365 or Google Workspace account (issue 17), against a local
OpenID Connect provider that checks every request and signs its ID tokens."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.test import Client
from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.people.models import User
from homelearning.sso.models import Provider
from tests.fake_oidc import OTHER_TENANT
from tests.personas import PASSWORD
from tests.sso.builders import google_for, messages_on_login_page, microsoft_for, sign_in_with

pytestmark = [pytest.mark.django_db]


def refusal() -> AuditEvent:
    return AuditEvent.objects.filter(action="account.sso_refused").latest("created_at")


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class TestSignIn:
    def test_a_teacher_signs_in_with_microsoft(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        response = sign_in_with(client, sign_in)
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert int(client.session["_auth_user_id"]) == world.teacher.pk
        assert client.get(reverse("home")).status_code == 200
        account = SocialAccount.objects.get(user=world.teacher)
        assert account.provider == sign_in.provider_id
        assert SocialToken.objects.get(account=account).token_secret in oidc.refresh_tokens
        entry = AuditEvent.objects.get(action="account.sso")
        assert entry.actor_id == world.teacher.pk and entry.details["provider_mfa"] is False
        # The provider saw a code exchange with the right secret and PKCE verifier (it refuses otherwise).
        assert oidc.refusals == []
        assert ("POST", f"/{oidc.microsoft_issuer().split('/')[-2]}/oauth2/v2.0/token") in oidc.requests

    def test_the_same_person_signs_in_again_through_their_link(self, world, oidc) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        sign_in_with(Client(), sign_in)
        again = Client()
        sign_in_with(again, sign_in)
        assert int(again.session["_auth_user_id"]) == world.teacher.pk
        assert SocialAccount.objects.filter(user=world.teacher).count() == 1

    def test_a_teacher_signs_in_with_google_workspace(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = google_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        sign_in_with(client, sign_in)
        assert int(client.session["_auth_user_id"]) == world.teacher.pk

    def test_the_login_page_offers_the_schools_provider(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        assert "Sign in with Microsoft" not in messages_on_login_page(client)
        microsoft_for(world.school)
        page = messages_on_login_page(client)
        assert "Sign in with Microsoft" in page
        assert "Balfour" not in page.split("Sign in with Microsoft")[1][:40], "one school: no name needed"

    def test_the_login_page_lets_its_forms_go_on_to_the_provider_only(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school)
        policy = client.get(reverse("account_login"))["Content-Security-Policy"]
        form_action = next(part for part in policy.split(";") if "form-action" in part)
        assert oidc.url in form_action
        other = client.get(reverse("privacy:notice"))["Content-Security-Policy"]
        assert oidc.url not in other

    def test_no_button_without_a_client_in_the_environment(self, world, oidc, client, settings) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school)
        settings.SSO_CLIENTS = {"microsoft": {"client_id": "", "secret": "", "authority": oidc.url}}
        assert "Sign in with Microsoft" not in messages_on_login_page(client)


class TestRefusals:
    @pytest.mark.parametrize(
        ("claims", "reason", "words"),
        [
            ({"aud": "another-application"}, "wrong_audience", "made for another application"),
            ({"exp": int(time.time()) - 120, "iat": int(time.time()) - 4000}, "expired", "had expired"),
            ({"tid": OTHER_TENANT}, "wrong_tenant", "belongs to another organisation"),
            ({"xms_edov": False}, "unverified_email", "has not verified the address"),
            ({"email": None}, "no_email", "did not tell us your email address"),
        ],
    )
    def test_a_bad_token_is_refused_with_a_message(self, world, oidc, client, claims, reason, words) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as(**{"email": "teacher@balfour.test", **claims})
        response = sign_in_with(client, sign_in)
        assert response.status_code == 302 and response["Location"] == reverse("account_login")
        assert not is_signed_in(client)
        assert words in messages_on_login_page(client)
        assert refusal().details["reason"] == reason
        assert refusal().school_id == world.school.pk
        assert not SocialAccount.objects.exists()

    def test_a_token_from_another_tenants_issuer_is_refused(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test", iss=oidc.microsoft_issuer(OTHER_TENANT))
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "wrong_issuer"
        assert "another organisation" in messages_on_login_page(client)

    def test_a_token_signed_with_another_key_is_refused(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        oidc.sign_with_other_key = True
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "bad_signature"
        assert "signature did not match" in messages_on_login_page(client)

    def test_another_schools_email_is_refused(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as(world.outsider_teacher.email)
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details == {
            "reason": "other_school",
            "provider": sign_in.provider_id,
            "email": world.outsider_teacher.email,
        }
        assert "another school" in messages_on_login_page(client)

    def test_nobody_gets_an_account_from_a_sign_in(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        users = User.objects.count()
        oidc.sign_in_as("stranger@balfour.test")
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert User.objects.count() == users
        assert refusal().details["reason"] == "not_staff"
        assert "is not on Balfour Test Infant School" in messages_on_login_page(client)

    def test_a_parent_cannot_sign_in_as_staff(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as(world.parent.email)
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "not_staff"

    def test_a_leaver_is_refused(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        from homelearning.people import services

        services.staff_leave(staff=world.staff(world.teacher), by=world.head)
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "left"

    def test_a_google_account_of_another_domain_is_refused(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = google_for(world.school)
        oidc.sign_in_as("teacher@balfour.test", hd="elsewhere.test")
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "wrong_domain"

    def test_google_says_the_email_is_unverified(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = google_for(world.school)
        oidc.sign_in_as("teacher@balfour.test", email_verified=False)
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "unverified_email"

    def test_the_provider_sends_them_back_with_an_error(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("teacher@balfour.test")
        oidc.authorize_error = "access_denied"
        sign_in_with(client, sign_in)
        assert not is_signed_in(client)
        assert refusal().details["reason"] == "cancelled"
        assert refusal().details["error"] == "access_denied"
        assert "did not sign you in" in messages_on_login_page(client)

    def test_a_provider_id_no_school_has_is_not_found(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        response = client.post(reverse("school_login", kwargs={"provider_id": "microsoft-nope"}), {"process": "login"})
        assert response.status_code == 404


class TestTwoFactor:
    def test_a_leader_is_still_asked_for_the_code(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("head@balfour.test", amr=["pwd", "mfa"])
        response = sign_in_with(client, sign_in)
        assert response["Location"] == reverse("mfa_authenticate")
        assert not is_signed_in(client)

    def test_a_leader_without_an_authenticator_must_set_one_up(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        Authenticator.objects.filter(user=world.head).delete()
        sign_in = microsoft_for(world.school)
        oidc.sign_in_as("head@balfour.test", amr=["pwd", "mfa"])
        sign_in_with(client, sign_in)
        assert is_signed_in(client)
        assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")

    def test_the_providers_mfa_counts_where_the_school_says_so(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school, provider_mfa_counts=True)
        oidc.sign_in_as("head@balfour.test", amr=["pwd", "mfa"])
        response = sign_in_with(client, sign_in)
        assert response["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.get(action="account.sso").details["provider_mfa"] is True

    def test_a_password_only_sign_in_at_the_provider_still_needs_the_code(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school, provider_mfa_counts=True)
        oidc.sign_in_as("head@balfour.test", amr=["pwd"])
        assert sign_in_with(client, sign_in)["Location"] == reverse("mfa_authenticate")

    def test_the_providers_mfa_does_not_carry_over_to_a_password_sign_in(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        session = client.session
        session["homelearning.sso"] = {"provider_id": "x", "mfa": True}
        session.save()
        response = client.post(reverse("account_login"), {"login": "head@balfour.test", "password": PASSWORD})
        assert response["Location"] == reverse("mfa_authenticate")


class TestPasswords:
    def test_staff_passwords_can_be_turned_off(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school, staff_passwords=False)
        response = client.post(reverse("account_login"), {"login": "teacher@balfour.test", "password": PASSWORD})
        assert response.status_code == 200
        assert not is_signed_in(client)
        assert "signs staff in with Microsoft" in response.content.decode()
        assert AuditEvent.objects.filter(action="account.password_refused", actor=world.teacher).exists()

    def test_a_wrong_password_says_nothing_about_the_provider(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school, staff_passwords=False)
        response = client.post(reverse("account_login"), {"login": "teacher@balfour.test", "password": "wrong-one-123"})
        assert "signs staff in with" not in response.content.decode()

    def test_passwords_still_work_where_the_school_allows(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school)
        response = client.post(reverse("account_login"), {"login": "teacher@balfour.test", "password": PASSWORD})
        assert response.status_code == 302 and is_signed_in(client)

    def test_carers_keep_their_sign_in_code(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school, staff_passwords=False)
        response = client.post(reverse("account_request_login_code"), {"email": world.parent.email})
        assert response.status_code == 302
        assert response["Location"] == reverse("account_confirm_login_code")


class TestSettings:
    def test_a_headteacher_sets_the_tenant(self, world, oidc) -> None:  # type: ignore[no-untyped-def]
        from homelearning.sso import services
        from tests.fake_oidc import TENANT

        saved = services.settings_change(
            school=world.school,
            by=world.head,
            values={"provider": Provider.MICROSOFT, "microsoft_tenant_id": TENANT.upper()},
        )
        assert saved.microsoft_tenant_id == TENANT
        entry = AuditEvent.objects.get(action="sso.settings_change")
        assert entry.details["provider"] == {"from": "", "to": "microsoft"}

    @pytest.mark.parametrize(
        ("values", "words"),
        [
            ({"provider": "microsoft", "microsoft_tenant_id": "common"}, r"directory \(tenant\) ID"),
            ({"provider": "google", "google_domain": "not a domain"}, "Google Workspace domain"),
            ({"provider": "", "staff_passwords": False}, "Choose a provider"),
            ({"provider": "okta"}, "not a valid choice"),
        ],
    )
    def test_bad_settings_change_nothing(self, world, oidc, values, words) -> None:  # type: ignore[no-untyped-def]
        from homelearning.core.errors import ServiceError
        from homelearning.sso import services
        from homelearning.sso.models import SignInSettings

        with pytest.raises(ServiceError, match=words):
            services.settings_change(school=world.school, by=world.head, values=values)
        assert not SignInSettings.objects.exists()
        assert not AuditEvent.objects.filter(action="sso.settings_change").exists()


class TestSettingsPage:
    url = "/settings/staff-sign-in/"

    def test_the_headteacher_turns_on_microsoft_and_the_login_page_offers_it(self, world, oidc, client_for) -> None:  # type: ignore[no-untyped-def]
        from tests.fake_oidc import TENANT

        client = client_for(world.head)
        assert "How staff sign in" in client.get(reverse("people:staff_list")).content.decode()
        response = client.post(
            self.url, {"provider": "microsoft", "microsoft_tenant_id": TENANT, "staff_passwords": "on"}
        )
        assert response.status_code == 302
        assert "Sign in with Microsoft" in messages_on_login_page(Client())

    def test_a_bad_tenant_is_shown_and_saves_nothing(self, world, oidc, client_for) -> None:  # type: ignore[no-untyped-def]
        from homelearning.sso.models import SignInSettings

        response = client_for(world.head).post(self.url, {"provider": "microsoft", "microsoft_tenant_id": "common"})
        assert response.status_code == 400
        assert "directory (tenant) ID, like" in response.content.decode()
        assert not SignInSettings.objects.exists()

    def test_only_the_headteacher(self, world, oidc, client_for) -> None:  # type: ignore[no-untyped-def]
        for user in (world.senior, world.office, world.teacher):
            assert client_for(user).get(self.url).status_code == 403
        assert client_for(world.parent).post(self.url, {"provider": "google"}).status_code == 403


class TestCodeEmail:
    def test_a_staff_code_request_points_to_the_provider(self, world, oidc, client) -> None:  # type: ignore[no-untyped-def]
        from homelearning.core.models import OutboundEmail

        microsoft_for(world.school, staff_passwords=False)
        client.post(reverse("account_request_login_code"), {"email": "teacher@balfour.test"})
        body = OutboundEmail.objects.get(to="teacher@balfour.test").body_text
        assert 'the "Sign in with Microsoft" button' in body
        assert "not with a password or a code" in body
