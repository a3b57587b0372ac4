from __future__ import annotations

from homelearning.journal.models import WorkItem
from tests.api.builders import bearer, live_token
from tests.journal.builders import sent_work
from tests.personas import World


def test_pupil_work_for_staff_who_see_the_pupil(world: World, client) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    _, secret = live_token(world.teacher)
    response = client.get(f"/api/v1/pupils/{world.amy.code}/work", headers=bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert [w["code"] for w in body] == [item.code]
    assert body[0]["files"][0]["kind"] == "image"
    _, ash_secret = live_token(world.teacher_ash)
    assert client.get(f"/api/v1/pupils/{world.amy.code}/work", headers=bearer(ash_secret)).status_code == 404
    _, outsider = live_token(world.outsider_head)
    assert client.get(f"/api/v1/pupils/{world.amy.code}/work", headers=bearer(outsider)).status_code == 404
    assert client.get(f"/api/v1/pupils/{world.amy.code}/work").status_code == 401


def test_feedback_through_the_api(world: World, client) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    url = f"/api/v1/journal/items/{item.code}/feedback"
    _, office = live_token(world.office)
    assert client.post(url, {"text": "x"}, content_type="application/json", headers=bearer(office)).status_code == 403
    _, secret = live_token(world.ta)
    bad = client.post(url, {"text": "  "}, content_type="application/json", headers=bearer(secret))
    assert bad.status_code == 400
    ok = client.post(
        url, {"text": "Well done", "by_phone": True}, content_type="application/json", headers=bearer(secret)
    )
    assert ok.status_code == 201
    assert ok.json()["by_phone"] is True
    assert WorkItem.objects.get().status == WorkItem.Status.REVIEWED
    again = client.post(url, {"text": "Again"}, content_type="application/json", headers=bearer(secret))
    assert again.status_code == 409


def test_moderation_queue_through_the_api(world: World, client) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    sent_work(world.outsider_pupil, world.outsider_parent)
    _, teacher = live_token(world.teacher)
    assert client.get("/api/v1/journal/moderation", headers=bearer(teacher)).status_code == 403
    _, secret = live_token(world.senior)
    body = client.get("/api/v1/journal/moderation", headers=bearer(secret)).json()
    assert [i["code"] for i in body["items"]] == [item.code]
    assert body["comments"] == 0 and body["overdue"] is False
