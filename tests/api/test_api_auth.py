"""Bearer-token sign-in, the same for every endpoint."""

import datetime

import pytest
import time_machine

from homelearning.api.models import ApiToken
from homelearning.api.services import token_create
from homelearning.people.models import ClassStaff, Role, Staff, StaffRole, User
from tests.api.builders import bearer, live_token, revoked_token

ENDPOINTS = ["/api/v1/me", "/api/v1/classes", "/api/v1/pupils"]


@pytest.mark.parametrize("path", ENDPOINTS)
class TestRefused:
    def test_no_token(self, world, client, path):
        response = client.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json() == {"detail": "A valid API token is needed."}

    def test_a_made_up_token(self, world, client, path):
        live_token(world.head)
        assert client.get(path, headers=bearer("hl_not-a-real-token")).status_code == 401
        assert client.get(path, headers=bearer("")).status_code == 401

    def test_the_wrong_scheme(self, world, client, path):
        _, secret = live_token(world.head)
        assert client.get(path, headers={"Authorization": f"Basic {secret}"}).status_code == 401
        assert client.get(path, headers={"Authorization": secret}).status_code == 401

    def test_a_revoked_token(self, world, client, path):
        _, secret = revoked_token(world.head)
        assert client.get(path, headers=bearer(secret)).status_code == 401

    def test_a_signed_in_browser_without_a_token(self, world, client_for, path):
        # The session cookie does not open the API (and so needs no CSRF defence).
        assert client_for(world.head).get(path).status_code == 401
        assert client_for(world.parent).get(path).status_code == 401

    def test_a_leavers_token(self, world, client, path):
        _, secret = live_token(world.teacher)
        Staff.objects.filter(user=world.teacher).update(is_active=False)
        assert client.get(path, headers=bearer(secret)).status_code == 401

    def test_a_disabled_account(self, world, client, path):
        _, secret = live_token(world.teacher)
        User.objects.filter(pk=world.teacher.pk).update(is_active=False)
        assert client.get(path, headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_live_token_is_accepted(world, client, path):
    _, secret = live_token(world.teacher)
    assert client.get(path, headers=bearer(secret)).status_code == 200


def test_use_is_recorded_at_most_once_a_minute(world, client):
    noon = datetime.datetime(2026, 1, 12, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        token, secret = live_token(world.teacher)
        client.get("/api/v1/me", headers=bearer(secret))
    with time_machine.travel(noon + datetime.timedelta(seconds=30), tick=False):
        client.get("/api/v1/me", headers=bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == noon
    with time_machine.travel(noon + datetime.timedelta(minutes=5), tick=False):
        client.get("/api/v1/me", headers=bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == noon + datetime.timedelta(minutes=5)


def test_a_token_stays_in_its_own_school(world, client):
    """Someone on the staff of two schools: each token acts only in the school it was made in."""
    _, home_secret = live_token(world.teacher)
    second = Staff.objects.create(school=world.other_school, user=world.teacher, first_name="Tom", surname="Teal")
    StaffRole.objects.create(staff=second, role=Role.TEACHER)
    ClassStaff.objects.create(school_class=world.outsider_class, staff=second, kind=ClassStaff.Kind.TEACHER)
    _, away_secret = token_create(staff=second, name="Elsewhere", by=world.teacher)

    home = client.get("/api/v1/pupils", headers=bearer(home_secret)).json()
    away = client.get("/api/v1/pupils", headers=bearer(away_secret)).json()
    assert {p["code"] for p in home["items"]} == {world.amy.code, world.cara.code}
    assert {p["code"] for p in away["items"]} == {world.outsider_pupil.code}
    assert client.get("/api/v1/me", headers=bearer(away_secret)).json()["school"]["code"] == world.other_school.code
    # When the second membership ends its token stops; it never falls back to the first school.
    Staff.objects.filter(pk=second.pk).update(is_active=False)
    assert client.get("/api/v1/pupils", headers=bearer(away_secret)).status_code == 401
    assert client.get("/api/v1/pupils", headers=bearer(home_secret)).status_code == 200
