import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from homelearning.core.models import AuditEvent
from homelearning.people import services as people_services
from homelearning.people.models import Pupil
from tests.api.builders import bearer, live_token

URL = "/api/v1/pupils"


def pupils(client, secret: str, **params: object) -> dict:
    response = client.get(URL, params, headers=bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


def codes(data: dict) -> set[str]:
    return {p["code"] for p in data["items"]}


class TestPermissions:
    def test_anonymous_is_refused(self, world, client):
        assert client.get(URL).status_code == 401
        assert not AuditEvent.objects.filter(action="api.pupils.list").exists()

    def test_a_parent_has_no_way_in(self, world, client_for):
        assert client_for(world.parent).get(URL).status_code == 401

    def test_a_teacher_sees_only_their_classes_pupils(self, world, client):
        _, secret = live_token(world.teacher)
        assert codes(pupils(client, secret)) == {world.amy.code, world.cara.code}
        _, secret = live_token(world.teacher_ash)
        assert codes(pupils(client, secret)) == {world.ben.code}

    def test_a_teaching_assistant_sees_their_class(self, world, client):
        _, secret = live_token(world.ta)
        assert codes(pupils(client, secret)) == {world.amy.code, world.cara.code}

    def test_the_headteacher_sees_the_whole_school_and_never_another(self, world, client):
        _, secret = live_token(world.head)
        data = pupils(client, secret)
        assert codes(data) == {world.amy.code, world.ben.code, world.cara.code}
        assert data["count"] == 3

    def test_another_schools_token_sees_only_its_pupils(self, world, client):
        _, secret = live_token(world.outsider_head)
        assert codes(pupils(client, secret)) == {world.outsider_pupil.code}

    def test_filter_by_a_class_out_of_reach_is_not_found(self, world, client):
        _, teacher = live_token(world.teacher)
        assert client.get(URL, {"class": world.ash.code}, headers=bearer(teacher)).status_code == 404
        _, head = live_token(world.head)
        assert client.get(URL, {"class": world.outsider_class.code}, headers=bearer(head)).status_code == 404
        assert client.get(URL, {"class": "no-such-class"}, headers=bearer(head)).status_code == 404
        _, outsider = live_token(world.outsider_head)
        assert client.get(URL, {"class": world.oak.code}, headers=bearer(outsider)).status_code == 404


def test_only_the_minimum_about_each_child(world, client):
    _, secret = live_token(world.teacher)
    data = pupils(client, secret)
    amy = next(p for p in data["items"] if p["code"] == world.amy.code)
    assert amy == {
        "code": world.amy.code,
        "first_name": "Amy",
        "surname": "Parker",
        "class_code": world.oak.code,
        "year_group": "Year 1",
    }
    raw = str(data)
    for private in ["Amelia", "T938456789012", "2020-03-04", "pat.parker"]:
        assert private not in raw


def test_filter_by_class(world, client):
    _, secret = live_token(world.head)
    assert codes(pupils(client, secret, **{"class": world.oak.code})) == {world.amy.code, world.cara.code}
    assert codes(pupils(client, secret, **{"class": world.ash.code})) == {world.ben.code}


def test_pupils_who_have_left_are_not_listed(world, client):
    Pupil.objects.filter(pk=world.cara.pk).update(left_on=datetime.date(2026, 1, 1))
    _, secret = live_token(world.head)
    assert codes(pupils(client, secret)) == {world.amy.code, world.ben.code}


def test_paged_with_limit_and_offset(world, client):
    _, secret = live_token(world.head)
    everyone = pupils(client, secret)["items"]
    first = pupils(client, secret, limit=2)
    rest = pupils(client, secret, limit=2, offset=2)
    assert first["count"] == rest["count"] == 3
    assert first["items"] + rest["items"] == everyone
    assert [p["surname"] for p in everyone] == ["Parker", "Parker", "Quinn"]
    assert client.get(URL, {"limit": 101}, headers=bearer(secret)).status_code == 422
    assert client.get(URL, {"limit": 0}, headers=bearer(secret)).status_code == 422


def test_every_list_is_audited(world, client):
    token, secret = live_token(world.teacher)
    pupils(client, secret)
    pupils(client, secret, **{"class": world.oak.code})
    events = list(AuditEvent.objects.filter(action="api.pupils.list").order_by("id"))
    assert len(events) == 2
    assert all(e.actor == world.teacher and e.school == world.school for e in events)
    assert events[0].details == {"token": token.prefix, "class": ""}
    assert events[1].details == {"token": token.prefix, "class": world.oak.code}
    assert events[1].target_code == world.oak.code


def _queries_for_list(client, secret: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_pupils(world, client, django_assert_num_queries):
    _, secret = live_token(world.teacher)
    client.get(URL, headers=bearer(secret))  # records last use, so later calls do not write it
    few = _queries_for_list(client, secret)
    for n in range(18):
        people_services.pupil_create(
            school_class=world.oak,
            legal_first_name=f"Child{n}",
            surname="Many",
            date_of_birth=datetime.date(2020, 5, 5),
        )
    with django_assert_num_queries(few):
        response = client.get(URL, headers=bearer(secret))
    assert response.json()["count"] == 20
    # Token, membership, roles, carer records, count, page, audit row.
    assert few == 7
