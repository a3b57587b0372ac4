from tests.api.builders import bearer, live_token

URL = "/api/v1/me"


def test_anonymous_is_refused(world, client):
    assert client.get(URL).status_code == 401


def test_a_parent_has_no_way_in(world, client_for):
    assert client_for(world.parent).get(URL).status_code == 401


def test_says_who_the_token_acts_as(world, client):
    _, secret = live_token(world.dsl)
    response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "email": "dsl@balfour.test",
        "name": "Dana Dale",
        "school": {"code": world.school.code, "name": "Balfour Test Infant School", "urn": "100001"},
        "roles": ["deputy_dsl", "teacher"],
    }


def test_another_schools_token_is_in_its_own_school(world, client):
    _, secret = live_token(world.outsider_head)
    data = client.get(URL, headers=bearer(secret)).json()
    assert data["school"]["code"] == world.other_school.code
    assert data["roles"] == ["headteacher"]
