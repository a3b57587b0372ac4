from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from homelearning.core.errors import ServiceError
from homelearning.core.models import Term
from homelearning.journal import services
from homelearning.journal.models import WorkFile, WorkItem
from tests.journal.builders import PDF, jpeg_with_gps, sent_work, upload
from tests.learning.conftest import activities, planned_day
from tests.personas import World

TODAY = datetime.datetime(2026, 1, 14, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def plan(world: World, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(TODAY, tick=False)
    Term.objects.create(
        school=world.school, name="Spring 1", first_day=datetime.date(2026, 1, 5), last_day=datetime.date(2026, 2, 13)
    )
    return planned_day(world.oak, world.teacher, day=TODAY.date())


def test_work_tied_to_an_activity_takes_its_day(world: World, client_for, plan) -> None:  # type: ignore[no-untyped-def]
    activity = activities(plan)[0]
    client = client_for(world.parent)
    form = client.get(reverse("journal:child", args=[world.amy.code]) + f"?activity={activity.code}")
    assert activity.code.encode() in form.content
    response = client.post(
        reverse("journal:child", args=[world.amy.code]), {"note": "Done!", "activity": activity.code}
    )
    assert response.status_code == 302
    item = WorkItem.objects.get()
    assert item.activity == activity and item.day == TODAY.date()


def test_activity_of_another_class_is_refused(world: World, client_for, plan) -> None:  # type: ignore[no-untyped-def]
    activity = activities(plan)[0]
    response = client_for(world.parent).post(
        reverse("journal:child", args=[world.ben.code]), {"note": "Done!", "activity": activity.code}
    )
    assert response.status_code == 400
    assert b"not part of this child" in response.content
    with pytest.raises(ServiceError, match="not part of this child"):
        services.work_submit(pupil=world.ben, by=world.parent, by_label="P", note="x", activity=activity)
    assert not WorkItem.objects.exists()


def test_future_day_is_refused(world: World, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(TODAY, tick=False)
    with pytest.raises(ServiceError, match="future"):
        services.work_submit(pupil=world.amy, by=world.parent, by_label="P", note="x", day=datetime.date(2026, 1, 15))


def test_too_many_files(world: World) -> None:
    with pytest.raises(ServiceError, match="at most 10"):
        services.work_submit(pupil=world.amy, by=world.parent, by_label="P", uploads=[upload(PDF, "a.pdf")] * 11)


def test_failure_while_writing_removes_written_files(  # type: ignore[no-untyped-def]
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = WorkFile.save
    calls = {"n": 0}

    def flaky_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(WorkFile, "save", flaky_save)
    with pytest.raises(OSError, match="disk full"):
        services.work_submit(
            pupil=world.amy,
            by=world.parent,
            by_label="P",
            uploads=[upload(jpeg_with_gps((300, 200))), upload(PDF, "a.pdf")],
        )
    assert not WorkItem.objects.exists()
    assert not WorkFile.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_pages_cost_the_same_for_more_work(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        parent = client_for(world.parent)
        with CaptureQueriesContext(connection) as journal:
            parent.get(reverse("journal:child", args=[world.amy.code]))
        teacher = client_for(world.teacher)
        with CaptureQueriesContext(connection) as inbox:
            teacher.get(reverse("journal:class_inbox", args=[world.oak.code]))
        return len(journal), len(inbox)

    sent_work(world.amy, world.parent)
    counts()  # warm up: the first request of a process fills caches (e.g. the privacy notice in force)
    one = counts()
    for _ in range(4):
        item = sent_work(world.amy, world.parent)
        services.comment_add(item=item, by=world.parent, by_label="P", text="hi", by_staff=False)
    assert counts() == one


def test_a_200_mb_file_is_refused_from_its_size_before_it_is_read(world: World, tmp_path: Path) -> None:
    class Huge(SimpleUploadedFile):
        def read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError("a file over the limit must not be read")

    huge = Huge("video.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    huge.size = 200 * 1024 * 1024
    with pytest.raises(ServiceError, match="no bigger than 20 MB"):
        services.work_submit(pupil=world.amy, by=world.parent, by_label="P", uploads=[huge])
    assert not WorkItem.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_file_bigger_than_it_claims_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOURNAL_UPLOAD_MAX_BYTES = 2048
    liar = upload(PDF + b"0" * 5000, "a.pdf", "application/pdf")
    liar.size = 100
    with pytest.raises(ServiceError, match="no bigger than"):
        services.work_submit(pupil=world.amy, by=world.parent, by_label="P", uploads=[liar])
    assert not WorkItem.objects.exists()
