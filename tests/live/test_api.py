from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from homelearning.live import services
from homelearning.live.models import Invitation, LiveIncident, LiveSession
from tests.api.builders import bearer, live_token
from tests.live.conftest import open_session
from tests.personas import World

BASE = "/api/v1/live/sessions"


def _payload(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "class_code": world.oak.code,
        "kind": "group_call",
        "title": "Group call",
        "starts_at": "2027-01-12T10:00:00+00:00",
        "minutes": 30,
        "monitor": world.staff(world.ta).code,
        "pupils": [world.amy.code, world.cara.code],
    }
    data.update(overrides)
    return data


@pytest.mark.usefixtures("term", "clock")
def test_create_and_list(world: World, client: Client) -> None:
    _, secret = live_token(world.teacher)
    response = client.post(BASE, _payload(world), content_type="application/json", headers=bearer(secret))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["class_code"] == world.oak.code and body["host"] == world.staff(world.teacher).code
    listed = client.get(BASE, headers=bearer(secret)).json()
    assert [s["code"] for s in listed] == [body["code"]]
    invitations = client.get(f"{BASE}/{body['code']}/invitations", headers=bearer(secret)).json()
    assert sorted(i["first_name"] for i in invitations) == ["Amy", "Cara"]
    assert all(set(i) == {"code", "first_name", "class_name", "status"} for i in invitations)


@pytest.mark.usefixtures("term", "clock")
@pytest.mark.parametrize(
    ("who", "overrides", "status"),
    [
        ("teacher", {"minutes": 31}, 422),
        ("teacher", {"monitor": "self"}, 422),
        ("teacher", {"pupils": ["x"] * 1}, 422),
        ("teacher", {"monitor": "nobody"}, 422),
        ("teacher", {"starts_at": "2027-01-16T10:00:00+00:00"}, 422),
        ("teacher", {"starts_at": "soon"}, 422),
        ("teacher", {"class_code": "nope"}, 404),
        ("teacher_ash", {}, 404),
        ("office", {}, 403),
        ("outsider_teacher", {}, 404),
    ],
)
def test_create_refusals(world: World, client: Client, who: str, overrides: dict[str, object], status: int) -> None:
    if overrides.get("monitor") == "self":
        overrides = {"monitor": world.staff(world.teacher).code}
    _, secret = live_token(getattr(world, who))
    response = client.post(BASE, _payload(world, **overrides), content_type="application/json", headers=bearer(secret))
    assert response.status_code == status, response.content
    assert not LiveSession.objects.exists()


def test_no_token(client: Client, booked: LiveSession) -> None:
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers=bearer("tampered")).status_code == 401


def test_admit_deny_end(world: World, client: Client, booked: LiveSession, clock: time_machine.Traveller) -> None:
    open_session(clock)
    _, teacher = live_token(world.teacher)
    _, head = live_token(world.head, name="Head")
    _, outsider = live_token(world.outsider_head, name="Outsider")
    amy, cara = booked.invitations.get(pupil=world.amy), booked.invitations.get(pupil=world.cara)
    agreement = services.agreement_current()
    services.invitation_accept(invitation=amy, user=world.parent, carer=None, agreement=agreement)
    services.invitation_accept(invitation=cara, user=world.other_parent, carer=None, agreement=agreement)
    url = f"{BASE}/{booked.code}/invitations"
    assert client.post(f"{url}/{amy.code}/admit", headers=bearer(outsider)).status_code == 404
    assert client.post(f"{url}/{amy.code}/admit", headers=bearer(head)).status_code == 403
    assert client.post(f"{url}/{amy.code}/zap", headers=bearer(teacher)).status_code == 404
    admitted = client.post(f"{url}/{amy.code}/admit", headers=bearer(teacher))
    assert admitted.status_code == 200 and admitted.json()["status"] == "admitted"
    assert client.post(f"{url}/{amy.code}/admit", headers=bearer(teacher)).status_code == 409
    assert client.post(f"{url}/{cara.code}/deny", headers=bearer(teacher)).json()["status"] == "denied"
    end = f"{BASE}/{booked.code}/end"
    too_long = client.post(end, {"risk_reason": "x" * 2001}, content_type="application/json", headers=bearer(teacher))
    assert too_long.status_code == 422
    ended = client.post(end, {"risk_reason": "Shouting"}, content_type="application/json", headers=bearer(teacher))
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert LiveIncident.objects.get().reason == "Shouting"
    again = client.post(end, {}, content_type="application/json", headers=bearer(teacher))
    assert again.status_code == 409
    assert Invitation.objects.get(pk=cara.pk).status == Invitation.Status.DENIED
