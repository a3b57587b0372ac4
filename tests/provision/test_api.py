from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.provision.models import Case, Closure, RegisterMark
from tests.api.builders import bearer, live_token
from tests.personas import World
from tests.provision.builders import agreed_case, requested_case, whole_school_closure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]

CLOSURE = {"reason": "extreme_weather", "scope": "whole", "first_day": "2026-11-30", "last_day": "2026-12-04"}


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return bearer(live_token(user)[1])


def test_anonymous_is_refused(world: World, client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/api/v1/closures", "/api/v1/cases", "/api/v1/attendance?from=2026-11-30&to=2026-11-30"):
        assert client.get(url).status_code == 401
    assert client.post("/api/v1/closures", CLOSURE, content_type="application/json").status_code == 401


def test_declare_closure_once(world: World, client) -> None:  # type: ignore[no-untyped-def]
    headers = auth(world.head)
    response = client.post("/api/v1/closures", CLOSURE, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["absence_code"] == "Y4"
    again = client.post("/api/v1/closures", CLOSURE, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["code"] == response.json()["code"]
    assert RegisterMark.objects.count() == 30
    listed = client.get("/api/v1/closures", headers=auth(world.teacher)).json()
    assert [c["code"] for c in listed] == [response.json()["code"]]
    assert client.get("/api/v1/closures", headers=auth(world.outsider_head)).json() == []


@pytest.mark.parametrize(
    ("user", "body", "status"),
    [
        ("office", CLOSURE, 403),
        ("teacher", CLOSURE, 403),
        ("head", {**CLOSURE, "first_day": "2026-12-05", "last_day": "2026-12-05"}, 422),
        ("head", {**CLOSURE, "first_day": "2026-12-04", "last_day": "2026-11-30"}, 422),
        ("head", {**CLOSURE, "first_day": "yesterday"}, 422),
        ("head", {**CLOSURE, "reason": "snowball fight"}, 422),
        ("head", {**CLOSURE, "scope": "classes", "classes": ["not-a-class"]}, 422),
        ("head", {**CLOSURE, "scope": "year_groups"}, 422),
    ],
)
def test_declare_bad_input(world: World, client, user: str, body: dict, status: int) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/closures", body, content_type="application/json", headers=auth(getattr(world, user))
    )
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Closure.objects.exists() and not RegisterMark.objects.exists()


def test_case_lifecycle(world: World, client) -> None:  # type: ignore[no-untyped-def]
    office, head = auth(world.office), auth(world.head)
    body = {"pupil": world.amy.code, "requested_by": "Mrs Parker", "requested_on": "2026-11-27", "reason": "medical"}
    created = client.post("/api/v1/cases", body, content_type="application/json", headers=office)
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["status"] == "preparing" and "a risk assessment" in case["missing"]
    url = f"/api/v1/cases/{case['code']}"
    start = {"start_date": "2026-11-30", "end_date": "2026-12-04"}
    refused = client.post(f"{url}/start", start, content_type="application/json", headers=head)
    assert refused.status_code == 422 and "Still needed" in refused.json()["detail"]
    ok = client.post(
        f"{url}/risk-assessment",
        {"assessed_on": "2026-11-27", "assessed_by": "Mr Stone", "findings": "Fine"},
        content_type="application/json",
        headers=head,
    )
    assert ok.status_code == 201
    client.post(
        f"{url}/medical-advice",
        {"advised_by": "GP", "advised_on": "2026-11-27", "summary": "Rest"},
        content_type="application/json",
        headers=head,
    )
    for party in case["parties"]:
        r = client.post(
            f"{url}/agreements",
            {"party": party["id"], "agreed_on": "2026-11-27", "how": "email"},
            content_type="application/json",
            headers=head,
        )
        assert r.status_code == 201
    started = client.post(f"{url}/start", start, content_type="application/json", headers=head)
    assert started.status_code == 200 and started.json()["status"] == "active"
    twice = client.post(f"{url}/start", start, content_type="application/json", headers=auth(world.senior))
    assert twice.status_code == 409
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC), tick=False):
        review = client.post(
            f"{url}/reviews",
            {
                "held_on": "2026-12-02",
                "support": "Calls",
                "reintegration_plan": "Mornings",
                "decision": "continue",
                "new_end_date": "2026-12-09",
            },
            content_type="application/json",
            headers=head,
        )
    assert review.status_code == 201 and review.json()["end_date"] == "2026-12-09"
    ended = client.post(f"{url}/end", {"return_date": "2026-12-07"}, content_type="application/json", headers=head)
    assert ended.status_code == 200 and ended.json()["status"] == "closed"
    assert RegisterMark.objects.filter(case__code=case["code"]).count() == 10


def test_refused_and_bad_case_requests(world: World, client) -> None:  # type: ignore[no-untyped-def]
    office = auth(world.office)
    base = {"pupil": world.amy.code, "requested_by": "Mrs Parker", "requested_on": "2026-11-27"}
    holiday = client.post(
        "/api/v1/cases", {**base, "reason": "holiday"}, content_type="application/json", headers=office
    )
    assert holiday.status_code == 201 and holiday.json()["status"] == "refused" and holiday.json()["refusal_reason"]
    bad = [
        ({**base, "reason": "nonsense"}, 422),
        ({**base, "pupil": world.outsider_pupil.code, "reason": "medical"}, 404),
        ({**base, "requested_on": "2026-13-01", "reason": "medical"}, 422),
    ]
    for body, status in bad:
        assert client.post("/api/v1/cases", body, content_type="application/json", headers=office).status_code == status
    teacher = client.post(
        "/api/v1/cases", {**base, "reason": "medical"}, content_type="application/json", headers=auth(world.teacher)
    )
    assert teacher.status_code == 403
    requested_case(world)
    second = client.post(
        "/api/v1/cases", {**base, "reason": "medical"}, content_type="application/json", headers=office
    )
    assert second.status_code == 422 and "open case" in second.json()["detail"]
    assert Case.objects.count() == 2


def test_cases_are_scoped(world: World, client) -> None:  # type: ignore[no-untyped-def]
    case = requested_case(world, pupil=world.ben)
    assert client.get("/api/v1/cases", headers=auth(world.teacher)).json() == []
    assert [c["code"] for c in client.get("/api/v1/cases", headers=auth(world.teacher_ash)).json()] == [case.code]
    assert client.get(f"/api/v1/cases/{case.code}", headers=auth(world.outsider_head)).status_code == 404
    assert client.post(
        f"/api/v1/cases/{case.code}/end",
        {"return_date": "2026-12-01"},
        content_type="application/json",
        headers=auth(world.outsider_head),
    ).status_code in {403, 404}


def test_agreement_bad_input(world: World, client) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world)
    head = auth(world.head)
    url = f"/api/v1/cases/{case.code}/agreements"
    party = case.parties.first()
    assert party is not None
    for body, status in [
        ({"party": 999999, "agreed_on": "2026-11-27", "how": "email"}, 422),
        ({"party": party.pk, "agreed_on": "2026-11-27", "how": "email"}, 409),
        ({"party": party.pk, "agreed_on": "2026-11-27", "how": "telepathy"}, 422),
        ({"party": party.pk}, 422),
    ]:
        assert client.post(url, body, content_type="application/json", headers=head).status_code == status


def test_attendance_json_and_csv(world: World, client) -> None:  # type: ignore[no-untyped-def]
    whole_school_closure(world)
    office = auth(world.office)
    data = client.get("/api/v1/attendance?from=2026-11-30&to=2026-11-30", headers=office).json()
    assert len(data) == 6 and {d["code"] for d in data} == {"Y4"}
    csv = client.get("/api/v1/attendance?from=2026-11-30&to=2026-11-30&format=csv", headers=office)
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode().count("\n") == 7
    assert (
        client.get("/api/v1/attendance?from=2026-11-30&to=2026-11-30", headers=auth(world.teacher)).status_code == 403
    )
    for query in (
        "from=2026-12-01&to=2026-11-30",
        "from=x&to=2026-11-30",
        "to=2026-11-30",
        "from=2026-11-30&to=2026-11-30&format=xml",
    ):
        assert client.get(f"/api/v1/attendance?{query}", headers=office).status_code == 422
