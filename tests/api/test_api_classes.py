from tests.api.builders import bearer, live_token

URL = "/api/v1/classes"


def classes(client, user) -> dict[str, dict]:
    _, secret = live_token(user)
    response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 200
    return {c["name"]: c for c in response.json()}


def test_anonymous_is_refused(world, client):
    assert client.get(URL).status_code == 401


def test_a_parent_has_no_way_in(world, client_for):
    assert client_for(world.parent).get(URL).status_code == 401


def test_a_teacher_sees_their_own_class(world, client):
    result = classes(client, world.teacher)
    assert list(result) == ["Oak"]
    assert result["Oak"] == {
        "code": world.oak.code,
        "name": "Oak",
        "year_group": "Year 1",
        "email": "oak@balfour.test",
        "pupil_count": 2,
        "staff": [{"name": "Tara Ash", "kind": "ta"}, {"name": "Tom Teal", "kind": "teacher"}],
    }


def test_the_headteacher_sees_the_whole_school_and_no_other(world, client):
    result = classes(client, world.head)
    assert list(result) == ["Oak", "Ash"]
    assert result["Ash"]["pupil_count"] == 1


def test_another_schools_token_sees_only_its_school(world, client):
    assert list(classes(client, world.outsider_head)) == ["Willow"]
    assert list(classes(client, world.outsider_teacher)) == ["Willow"]
