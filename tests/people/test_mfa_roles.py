"""Everyone who can take personal data out must use an authenticator app (issue 25, step 4)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from homelearning.people.models import EXPORT_CAPABLE_ROLES, MFA_ROLES, Role, StaffRole
from homelearning.privacy import services as privacy_services
from homelearning.privacy.access import SAR_ROLES
from homelearning.provision.access import EXPORT_ROLES
from homelearning.roster.access import IMPORT_ROLES
from tests.api.builders import bearer, live_token
from tests.personas import give_totp

ENROL = reverse("mfa_activate_totp")
EXPORTS = [
    reverse("provision:register_export"),
    reverse("roster:import_list"),
    reverse("privacy:sar_list"),
]


def test_every_role_that_can_export_must_use_an_authenticator():
    exporters = set(SAR_ROLES) | set(IMPORT_ROLES) | set(EXPORT_ROLES)
    assert exporters <= EXPORT_CAPABLE_ROLES
    assert EXPORT_CAPABLE_ROLES <= MFA_ROLES
    assert Role.OFFICE in MFA_ROLES
    assert Role.TEACHER not in MFA_ROLES


class TestOffice:
    def remove_authenticator(self, world):
        Authenticator.objects.filter(user=world.office).delete()

    @pytest.mark.parametrize("url", EXPORTS)
    def test_office_without_an_authenticator_is_sent_to_enrol_before_any_export(self, world, client_for, url):
        self.remove_authenticator(world)
        response = client_for(world.office).get(url)
        assert response.status_code == 302
        assert response["Location"] == ENROL

    def test_the_register_export_itself_is_not_sent(self, world, client_for):
        self.remove_authenticator(world)
        response = client_for(world.office).get(
            reverse("provision:register_export"), {"start": "2027-01-04", "end": "2027-01-08"}
        )
        assert response.status_code == 302
        assert "text/csv" not in response.get("Content-Type", "")

    def test_enrolment_is_reachable(self, world, client_for):
        self.remove_authenticator(world)
        # allauth asks for the password again before showing the enrolment page; both pages open.
        response = client_for(world.office).get(ENROL, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")

    @pytest.mark.parametrize("url", EXPORTS)
    def test_office_with_an_authenticator_reaches_the_exports(self, world, client_for, url):
        assert Authenticator.objects.filter(user=world.office).exists()
        assert client_for(world.office).get(url).status_code == 200

    def test_an_api_token_is_no_way_round_it(self, world, client):
        _, secret = live_token(world.office)
        self.remove_authenticator(world)
        response = client.get("/api/v1/pupils", headers=bearer(secret))
        assert response.status_code == 403
        assert "authenticator" in response.json()["detail"]


class TestSchoolAddsRoles:
    def test_teachers_need_one_once_the_school_says_so(self, world, client_for):
        assert client_for(world.teacher).get("/").status_code == 200
        privacy_services.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=90, extra_mfa_roles=[Role.TEACHER]
        )
        response = client_for(world.teacher).get("/")
        assert response.status_code == 302
        assert response["Location"] == ENROL
        give_totp(world.teacher)
        assert client_for(world.teacher).get("/").status_code == 200

    def test_another_schools_choice_does_not_apply(self, world, client_for):
        privacy_services.sign_in_settings_set(
            school=world.other_school, by=world.outsider_head, api_token_days=90, extra_mfa_roles=[Role.TEACHER]
        )
        assert client_for(world.teacher).get("/").status_code == 200

    def test_the_required_roles_cannot_be_taken_off(self, world, client_for):
        response = client_for(world.head).post(
            reverse("privacy:sign_in_settings"), {"api_token_days": 90, "extra_mfa_roles": [Role.OFFICE]}
        )
        # The office is not even offered: it is always required.
        assert response.status_code == 400
        Authenticator.objects.filter(user=world.office).delete()
        assert client_for(world.office).get("/").status_code == 302

    def test_the_headteacher_saves_the_choice(self, world, client_for):
        response = client_for(world.head).post(
            reverse("privacy:sign_in_settings"),
            {"api_token_days": 30, "extra_mfa_roles": [Role.TEACHER, Role.TEACHING_ASSISTANT]},
        )
        assert response.status_code == 302
        saved = privacy_services.settings_for(world.school)
        assert saved.api_token_days == 30
        assert saved.extra_mfa_roles == sorted([Role.TEACHER, Role.TEACHING_ASSISTANT])
        page = client_for(world.head).get(reverse("privacy:sign_in_settings")).content.decode()
        assert "Office" in page  # named among the roles that always need it

    def test_a_person_with_an_extra_role_in_one_school_only(self, world, client_for):
        """Someone on two staffs: the school that requires it is enough."""
        privacy_services.sign_in_settings_set(
            school=world.school, by=world.head, api_token_days=90, extra_mfa_roles=[Role.TEACHING_ASSISTANT]
        )
        assert StaffRole.objects.filter(staff__user=world.ta).count() == 1
        assert client_for(world.ta).get("/").status_code == 302
