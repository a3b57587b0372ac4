from __future__ import annotations

import json

import pytest

from homelearning.core.models import AuditEvent
from homelearning.learning.models import Activity, Plan
from tests.api.builders import bearer, live_token
from tests.learning.conftest import SATURDAY, TODAY, TOMORROW, activities, planned_day
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def send(client, method: str, url: str, secret: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"headers": bearer(secret)}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_pupil_plan_for_staff_who_see_the_pupil(world: World, client) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(45, 30))
    _, secret = live_token(world.teacher)
    response = send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan?date={TODAY}", secret)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["first_name"] == "Amy"
    assert data["planned_minutes"] == 75
    assert data["entitlement_minutes"] == 180
    assert [a["title"] for a in data["activities"]] == ["Activity 1", "Activity 2"]
    assert data["activities"][0]["subject"] == "maths"
    assert AuditEvent.objects.filter(action="api.pupil.plan").exists()
    # Today by default; no plan is an empty day.
    empty = send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan?date={TOMORROW}", secret).json()
    assert empty["plan"] is None and empty["activities"] == []
    assert send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan", secret).json()["planned_minutes"] == 75


def test_pupil_plan_refusals(world: World, client) -> None:  # type: ignore[no-untyped-def]
    _, ash_secret = live_token(world.teacher_ash)
    _, outsider = live_token(world.outsider_head)
    assert client.get(f"/api/v1/pupils/{world.amy.code}/plan").status_code == 401
    assert send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan", ash_secret).status_code == 404
    assert send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan", outsider).status_code == 404
    _, secret = live_token(world.teacher)
    assert send(client, "get", f"/api/v1/pupils/{world.amy.code}/plan?date=nope", secret).status_code == 422


def test_staff_create_update_delete(world: World, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.teacher)
    response = send(client, "post", f"/api/v1/classes/{world.oak.code}/plans", secret, {"date": str(TODAY)})
    assert response.status_code == 201, response.content
    plan_code = response.json()["code"]
    body = {"subject": "reading", "title": "Read a story", "minutes": 30, "instructions": "**Aloud**"}
    response = send(client, "post", f"/api/v1/plans/{plan_code}/activities", secret, body)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    response = send(client, "patch", f"/api/v1/activities/{code}", secret, {"minutes": 40})
    assert response.status_code == 200, response.content
    assert Activity.objects.get(code=code).minutes == 40
    assert send(client, "get", f"/api/v1/plans/{plan_code}", secret).json()["planned_minutes"] == 40
    assert send(client, "delete", f"/api/v1/activities/{code}", secret).status_code == 204
    assert send(client, "delete", f"/api/v1/plans/{plan_code}", secret).status_code == 204
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"subject": "maths", "title": "X", "minutes": 0}, 422),
        ({"subject": "maths", "title": "X", "minutes": -10}, 422),
        ({"subject": "maths", "title": "X", "minutes": 181}, 422),
        ({"subject": "maths", "title": "", "minutes": 10}, 422),
        ({"subject": "alchemy", "title": "X", "minutes": 10}, 422),
        ({"subject": "maths", "title": "X", "minutes": 10, "resources": ["nope"]}, 422),
        ({"subject": "maths", "title": "X", "minutes": 10, "extra": "<script>"}, 201),
    ],
)
def test_bad_activity_input(world: World, client, body: dict, status: int) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher, minutes=(30,))
    _, secret = live_token(world.teacher)
    response = send(client, "post", f"/api/v1/plans/{plan.code}/activities", secret, body)
    assert response.status_code == status, response.content
    assert Activity.objects.count() == (2 if status == 201 else 1)


def test_over_the_entitlement_is_a_conflict_until_confirmed(world: World, client) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    _, secret = live_token(world.teacher)
    body = {"subject": "maths", "title": "More", "minutes": 10}
    response = send(client, "post", f"/api/v1/plans/{plan.code}/activities", secret, body)
    assert response.status_code == 409
    assert "Confirm" in response.json()["detail"]
    assert Activity.objects.count() == 3
    response = send(client, "post", f"/api/v1/plans/{plan.code}/activities", secret, {**body, "confirm_over": True})
    assert response.status_code == 201
    first = activities(plan)[0]
    assert send(client, "patch", f"/api/v1/activities/{first.code}", secret, {"minutes": 180}).status_code == 409


def test_writes_are_for_the_class_planners(world: World, client) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher, minutes=(30,))
    activity = activities(plan)[0]
    _, ash_secret = live_token(world.teacher_ash)
    _, office_secret = live_token(world.office)
    body = {"subject": "maths", "title": "X", "minutes": 10}
    assert send(client, "post", f"/api/v1/plans/{plan.code}/activities", ash_secret, body).status_code == 404
    assert send(client, "patch", f"/api/v1/activities/{activity.code}", ash_secret, {"minutes": 5}).status_code == 404
    assert send(client, "delete", f"/api/v1/plans/{plan.code}", ash_secret).status_code == 404
    assert send(client, "delete", f"/api/v1/plans/{plan.code}", office_secret).status_code == 403
    assert (
        send(client, "post", f"/api/v1/classes/{world.oak.code}/plans", ash_secret, {"date": str(TODAY)}).status_code
        == 404
    )
    _, secret = live_token(world.teacher)
    response = send(client, "post", f"/api/v1/classes/{world.oak.code}/plans", secret, {"date": str(SATURDAY)})
    assert response.status_code == 400
    assert "not a school day" in response.json()["detail"]
    assert Activity.objects.get().minutes == 30
    assert Plan.objects.count() == 1
