from __future__ import annotations

from django.urls import reverse

from homelearning.journal.models import WorkItem
from tests.journal.builders import jpeg_with_gps, upload
from tests.personas import World


def test_paper_work_returned_ladder_and_record(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = reverse("journal:paper_returned", args=[world.amy.code])
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.parent).get(target).status_code == 403
    assert client_for(world.teacher_ash).get(target).status_code == 404  # not their class
    assert client_for(world.outsider_teacher).get(target).status_code == 404
    assert client_for(world.ta).get(target).status_code == 200
    inbox = client_for(world.teacher).get(reverse("journal:class_inbox", args=[world.oak.code]))
    assert target.encode() in inbox.content
    response = client_for(world.teacher).post(target, {})
    assert response.status_code == 302
    item = WorkItem.objects.get()
    assert item.on_paper and item.note == "Paper work returned to school."
    client_for(world.teacher).post(target, {"uploads": [upload(jpeg_with_gps((600, 400)))], "note": "Maths sheet"})
    assert WorkItem.objects.filter(on_paper=True).count() == 2
    page = client_for(world.parent).get(reverse("journal:child", args=[world.amy.code]))
    assert b"Paper work returned" in page.content


def test_bad_photo_of_paper_work_stores_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = reverse("journal:paper_returned", args=[world.amy.code])
    response = client_for(world.teacher).post(target, {"uploads": [upload(b"not an image", "scan.png")]})
    assert response.status_code == 400
    assert not WorkItem.objects.exists()
