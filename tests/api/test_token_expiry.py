"""API tokens expire after the school's lifetime, and end at once when a password or a role changes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from homelearning.api.models import ApiToken
from homelearning.core.models import AuditEvent
from homelearning.people import services as people_services
from homelearning.people.models import Role, StaffRole
from homelearning.privacy import services as privacy_services
from homelearning.privacy.models import DEFAULT_API_TOKEN_DAYS
from tests.api.builders import bearer, live_token
from tests.personas import PASSWORD

NOON = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)


def fresh(token: ApiToken) -> ApiToken:
    return ApiToken.objects.get(pk=token.pk)


class TestLifetime:
    def test_a_new_token_works_for_the_default_ninety_days(self, world):
        with time_machine.travel(NOON, tick=False):
            token, _ = live_token(world.teacher)
        assert DEFAULT_API_TOKEN_DAYS == 90
        assert token.expires_at == NOON + datetime.timedelta(days=90)

    def test_the_school_sets_the_lifetime(self, world):
        privacy_services.sign_in_settings_set(school=world.school, by=world.head, api_token_days=7, extra_mfa_roles=[])
        with time_machine.travel(NOON, tick=False):
            token, _ = live_token(world.teacher)
        assert token.expires_at == NOON + datetime.timedelta(days=7)

    def test_another_schools_setting_does_not_apply(self, world):
        privacy_services.sign_in_settings_set(
            school=world.other_school, by=world.outsider_head, api_token_days=3, extra_mfa_roles=[]
        )
        with time_machine.travel(NOON, tick=False):
            token, _ = live_token(world.teacher)
        assert token.expires_at == NOON + datetime.timedelta(days=90)

    def test_a_shorter_lifetime_shortens_tokens_already_made(self, world):
        with time_machine.travel(NOON, tick=False):
            token, _ = live_token(world.teacher)
            elsewhere, _ = live_token(world.outsider_teacher)
        privacy_services.sign_in_settings_set(school=world.school, by=world.head, api_token_days=30, extra_mfa_roles=[])
        assert fresh(token).expires_at == NOON + datetime.timedelta(days=30)
        assert fresh(elsewhere).expires_at == NOON + datetime.timedelta(days=90)
        # Lengthening it again does not lengthen a token already made.
        privacy_services.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=365, extra_mfa_roles=[]
        )
        assert fresh(token).expires_at == NOON + datetime.timedelta(days=30)
        event = AuditEvent.objects.filter(action="privacy.sign_in_settings.change").order_by("pk").first()
        assert event.details["tokens_shortened"] == 1

    @pytest.mark.parametrize("days", [0, -1, 367, 100000])
    def test_a_lifetime_outside_one_day_to_a_year_is_refused(self, world, client_for, days):
        response = client_for(world.head).post(reverse("privacy:sign_in_settings"), {"api_token_days": days})
        assert response.status_code == 400
        assert privacy_services.settings_for(world.school).api_token_days == 90

    def test_only_the_headteacher_changes_it(self, world, client_for):
        for user in (world.senior, world.office, world.teacher):
            response = client_for(user).post(reverse("privacy:sign_in_settings"), {"api_token_days": 5})
            assert response.status_code == 403
        assert privacy_services.settings_for(world.school).api_token_days == 90


class TestExpiredTokens:
    def test_a_token_works_until_its_expiry_then_gets_401_saying_it_expired(self, world, client):
        with time_machine.travel(NOON, tick=False):
            token, secret = live_token(world.teacher)
        with time_machine.travel(token.expires_at - datetime.timedelta(seconds=1), tick=False):
            assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
        with time_machine.travel(token.expires_at, tick=False):
            response = client.get("/api/v1/me", headers=bearer(secret))
        assert response.status_code == 401
        assert response.json() == {
            "detail": "This API token expired on 30 May 2027. Make a new one on the API tokens page in Home Learning."
        }
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_the_list_shows_when_each_token_expires_and_which_have(self, world, client_for):
        with time_machine.travel(NOON, tick=False):
            live_token(world.teacher, name="Old sheet")
        with time_machine.travel(NOON + datetime.timedelta(days=100), tick=False):
            live_token(world.teacher, name="New sheet")
            content = client_for(world.teacher).get(reverse("api:token_list")).content.decode()
        assert "Works until" in content
        assert "30 May 2027" in content  # the old token's expiry
        assert "Expired" in content
        assert "In use" in content

    def test_expired_tokens_do_not_count_towards_the_limit(self, world):
        with time_machine.travel(NOON, tick=False):
            for n in range(10):
                live_token(world.teacher, name=f"Sheet {n}")
        with time_machine.travel(NOON + datetime.timedelta(days=91), tick=False):
            live_token(world.teacher, name="Eleventh")
        assert ApiToken.objects.filter(staff__user=world.teacher).count() == 11


class TestPasswordChangesEndTokens:
    def test_a_password_reset_by_email_revokes_every_token(self, world, client):
        token, secret = live_token(world.teacher)
        other, _ = live_token(world.head)
        key = default_token_generator.make_token(world.teacher)
        url = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(world.teacher), "key": key}
        )
        page = client.get(url, follow=True)
        assert page.status_code == 200
        response = client.post(
            page.redirect_chain[-1][0],
            {"password1": "a-brand-new-passphrase-7", "password2": "a-brand-new-passphrase-7"},
        )
        assert response.status_code == 302
        world.teacher.refresh_from_db()
        assert world.teacher.check_password("a-brand-new-passphrase-7")
        revoked = fresh(token)
        assert revoked.revoked_at is not None
        assert revoked.revoked_because == ApiToken.RevokedBecause.PASSWORD
        assert fresh(other).revoked_at is None
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
        assert AuditEvent.objects.filter(action="api_token.revoke", target_code=token.code).exists()

    def test_a_password_change_revokes_every_token(self, world, client_for):
        token, _ = live_token(world.teacher)
        response = client_for(world.teacher).post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "another-new-passphrase-9", "password2": "another-new-passphrase-9"},
        )
        assert response.status_code == 302
        assert fresh(token).revoked_because == ApiToken.RevokedBecause.PASSWORD

    def test_a_refused_password_change_keeps_the_tokens(self, world, client_for):
        token, _ = live_token(world.teacher)
        response = client_for(world.teacher).post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": "another-new-passphrase-9", "password2": "another-new-passphrase-9"},
        )
        assert response.status_code == 200
        assert fresh(token).revoked_at is None


class TestRoleChangesEndTokens:
    def url(self, world, user):
        return reverse("people:staff_detail", args=[world.staff(user).code])

    def test_taking_a_role_away_revokes_the_tokens(self, world, client_for, client):
        token, secret = live_token(world.dsl)  # Deputy DSL and teacher
        response = client_for(world.head).post(self.url(world, world.dsl), {"roles": [Role.TEACHER]})
        assert response.status_code == 302
        assert set(StaffRole.objects.filter(staff__user=world.dsl).values_list("role", flat=True)) == {Role.TEACHER}
        assert fresh(token).revoked_because == ApiToken.RevokedBecause.ROLE_REMOVED
        assert fresh(token).revoked_by == world.head
        client.logout()
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
        event = AuditEvent.objects.get(action="staff.roles_change")
        assert event.details == {"added": [], "removed": [Role.DEPUTY_DSL], "tokens_revoked": 1}

    def test_adding_a_role_keeps_the_tokens(self, world, client_for):
        token, _ = live_token(world.teacher)
        response = client_for(world.head).post(
            self.url(world, world.teacher), {"roles": [Role.TEACHER, Role.INCLUSION_LEAD]}
        )
        assert response.status_code == 302
        assert fresh(token).revoked_at is None

    def test_leaving_revokes_the_tokens_and_the_membership(self, world, client_for):
        token, _ = live_token(world.teacher)
        response = client_for(world.head).post(reverse("people:staff_leave", args=[world.staff(world.teacher).code]))
        assert response.status_code == 302
        assert not world.staff(world.teacher).is_active
        assert fresh(token).revoked_because == ApiToken.RevokedBecause.LEFT

    @pytest.mark.parametrize("roles", [[], ["cook"], [Role.TEACHER, "cook"]])
    def test_bad_roles_are_refused_and_nothing_changes(self, world, client_for, roles):
        token, _ = live_token(world.teacher)
        response = client_for(world.head).post(self.url(world, world.teacher), {"roles": roles})
        assert response.status_code == 400
        assert list(StaffRole.objects.filter(staff__user=world.teacher).values_list("role", flat=True)) == [
            Role.TEACHER
        ]
        assert fresh(token).revoked_at is None

    def test_the_last_headteacher_keeps_the_role(self, world, client_for):
        response = client_for(world.head).post(self.url(world, world.head), {"roles": [Role.DSL]})
        assert response.status_code == 400
        assert "must keep a headteacher" in response.content.decode()
        assert StaffRole.objects.filter(staff__user=world.head, role=Role.HEADTEACHER).exists()

    def test_nobody_records_their_own_leaving(self, world):
        with pytest.raises(people_services.ServiceError):
            people_services.staff_leave(staff=world.staff(world.head), by=world.head)

    def test_only_the_headteacher_changes_roles(self, world, client_for):
        for user in (world.senior, world.office, world.teacher):
            response = client_for(user).post(self.url(world, world.ta), {"roles": [Role.HEADTEACHER]})
            assert response.status_code == 403
        assert not StaffRole.objects.filter(staff__user=world.ta, role=Role.HEADTEACHER).exists()

    def test_another_schools_staff_are_not_found(self, world, client_for):
        url = reverse("people:staff_detail", args=[world.staff(world.outsider_teacher).code])
        assert client_for(world.head).get(url).status_code == 404
        assert client_for(world.head).post(url, {"roles": [Role.OFFICE]}).status_code == 404
