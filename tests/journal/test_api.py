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


def test_class_staff_add_work_to_a_journal(world: World, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from homelearning.journal.models import WorkFile
    from tests.journal.builders import PDF_WITH_JS, jpeg_with_gps, upload

    url = f"/api/v1/pupils/{world.amy.code}/work"
    _, teacher = live_token(world.teacher)
    response = client.post(
        url,
        {"note": "Maths sheet came back", "on_paper": "true", "files": [upload(jpeg_with_gps((800, 600)))]},
        headers=bearer(teacher),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["pupil"] == world.amy.code and body["note"] == "Maths sheet came back"
    assert [f["kind"] for f in body["files"]] == ["image"]
    item = WorkItem.objects.get(code=body["code"])
    assert item.on_paper and item.sent_by == world.teacher
    # A note alone is fine; nothing at all, a PDF with a script, or another class's child is refused.
    assert client.post(url, {"note": "Reading record"}, headers=bearer(teacher)).status_code == 201
    empty = client.post(url, {}, headers=bearer(teacher))
    assert empty.status_code == 400 and "Add a photo" in empty.json()["detail"]
    bad = client.post(url, {"files": [upload(PDF_WITH_JS, "x.pdf", "application/pdf")]}, headers=bearer(teacher))
    assert bad.status_code == 400 and "scripts" in bad.json()["detail"]
    assert WorkItem.objects.count() == 2 and WorkFile.objects.count() == 1
    _, ash = live_token(world.teacher_ash)
    assert client.post(url, {"note": "x"}, headers=bearer(ash)).status_code == 404
    _, office = live_token(world.office)  # sees the pupil, but is not class staff
    assert client.post(url, {"note": "x"}, headers=bearer(office)).status_code == 404
    assert client.post(url, {"note": "x"}).status_code == 401
    assert WorkItem.objects.count() == 2


def test_staff_schedule_calls_through_the_api(world: World, client, time_machine) -> None:  # type: ignore[no-untyped-def]
    from homelearning.journal.models import CallRequest

    time_machine.move_to("2026-11-23 09:00Z")
    url = f"/api/v1/pupils/{world.amy.code}/calls"
    _, secret = live_token(world.teacher)
    ok = client.post(
        url,
        {"reason": "Check in about reading", "call_on": "2026-11-24"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert ok.status_code == 201
    assert ok.json()["by_staff"] is True and ok.json()["call_on"] == "2026-11-24"
    past = client.post(
        url, {"reason": "x", "call_on": "2026-11-01"}, content_type="application/json", headers=bearer(secret)
    )
    assert past.status_code == 400 and "past" in past.json()["detail"]
    blank = client.post(url, {"reason": "  "}, content_type="application/json", headers=bearer(secret))
    assert blank.status_code == 400
    _, ash = live_token(world.teacher_ash)
    assert client.post(url, {"reason": "x"}, content_type="application/json", headers=bearer(ash)).status_code == 404
    _, outsider = live_token(world.outsider_head)
    assert (
        client.post(url, {"reason": "x"}, content_type="application/json", headers=bearer(outsider)).status_code == 404
    )
    assert CallRequest.objects.count() == 1
