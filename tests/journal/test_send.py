from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from homelearning.core.models import AuditEvent
from homelearning.journal.models import WorkFile, WorkItem
from tests.journal.builders import PDF, PDF_WITH_JS, jpeg_with_gps, upload
from tests.personas import World


def url(world_pupil_code: str) -> str:
    return reverse("journal:child", args=[world_pupil_code])


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_permission_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = url(world.amy.code)
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.teacher).get(target).status_code == 403
    assert client_for(world.other_parent).get(target).status_code == 404  # another family's child
    assert client_for(world.outsider_parent).get(target).status_code == 404
    response = client_for(world.parent).get(target)
    assert response.status_code == 200
    assert b"Send some work" in response.content


def test_child_page_links_to_the_journal(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).get(reverse("people:child_detail", args=[world.amy.code]))
    assert url(world.amy.code).encode() in response.content


def test_parent_sends_photos_and_pdf(world: World, client_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    response = client.post(
        url(world.amy.code),
        {
            "uploads": [upload(jpeg_with_gps(), "../../etc/passwd.jpg"), upload(PDF, "sheet.pdf", "application/pdf")],
            "note": "Amy counted to 20.",
            "day": "2026-11-27",
        },
    )
    assert response.status_code == 302
    item = WorkItem.objects.get(pupil=world.amy)
    assert item.note == "Amy counted to 20."
    assert str(item.day) == "2026-11-27"
    files = list(item.files.all())
    assert [f.kind for f in files] == ["image", "pdf"]
    for f in files:
        assert "passwd" not in f.file.name and ".." not in f.file.name
        assert Path(f.file.path).resolve().is_relative_to(tmp_path.resolve())
    photo = Image.open(files[0].file.path)
    assert not photo.getexif()
    assert AuditEvent.objects.filter(action="journal.work.submit").count() == 1
    # The family sees it on the journal page.
    page = client.get(url(world.amy.code))
    assert b"Amy counted to 20." in page.content


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [upload(jpeg_with_gps((400, 300))[:300])], "could not be read"),
        (lambda: [upload(b"MZ\x90\x00 not a photo", "photo.jpg")], "neither"),
        (lambda: [upload(PDF_WITH_JS, "sheet.pdf", "application/pdf")], "scripts"),
        (lambda: [upload(b"", "empty.jpg")], "empty"),
    ],
)
def test_bad_files_store_nothing(world: World, client_for, tmp_path: Path, files, message: str) -> None:  # type: ignore[no-untyped-def]
    # A good photo first: it must not be kept when a later file fails.
    payload = {"uploads": [upload(jpeg_with_gps((300, 200)), "good.jpg"), *files()], "note": "x"}
    response = client_for(world.parent).post(url(world.amy.code), payload)
    assert response.status_code == 400
    assert message.encode() in response.content or b"empty" in response.content
    assert not WorkItem.objects.exists()
    assert not WorkFile.objects.exists()
    assert stored_files(tmp_path) == []


def test_oversized_file_is_refused(world: World, client_for, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.JOURNAL_UPLOAD_MAX_BYTES = 2048
    response = client_for(world.parent).post(url(world.amy.code), {"uploads": [upload(PDF + b"0" * 5000, "big.pdf")]})
    assert response.status_code == 400
    assert b"no bigger than" in response.content
    assert not WorkItem.objects.exists()
    assert stored_files(tmp_path) == []


def test_decompression_bomb_is_refused(world: World, client_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")
    response = client_for(world.parent).post(url(world.amy.code), {"uploads": [upload(out.getvalue(), "x.png")]})
    assert response.status_code == 400
    assert b"too large" in response.content
    assert not WorkItem.objects.exists()


def test_nothing_to_send(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(url(world.amy.code), {"note": "   "})
    assert response.status_code == 400
    assert b"Add a photo, a PDF or a note." in response.content
    assert not WorkItem.objects.exists()


def test_files_served_only_to_the_family_and_class_staff(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.journal.builders import sent_work

    item = sent_work(world.amy, world.parent)
    work_file = item.files.get()
    target = reverse("journal:file", args=[work_file.code])
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.other_parent).get(target).status_code == 404
    assert client_for(world.outsider_teacher).get(target).status_code == 404
    assert client_for(world.teacher_ash).get(target).status_code == 404  # not Amy's class
    for user in (world.parent, world.teacher, world.head):
        response = client_for(user).get(target)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
    thumb = client_for(world.parent).get(target + "?size=thumb")
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) <= 400  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no public URL"):
        _ = work_file.file.url


def test_another_familys_work_answers_404(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.journal.builders import sent_work

    item = sent_work(world.cara, world.other_parent)
    target = reverse("journal:item", args=[item.code])
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.parent).get(target).status_code == 404
    assert client_for(world.outsider_head).get(target).status_code == 404
    assert client_for(world.other_parent).get(target).status_code == 200
    assert client_for(world.teacher).get(target).status_code == 200


def test_empty_post_is_a_message_not_a_blank_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(url(world.amy.code), {})
    assert response.status_code == 400
    assert b"Add a photo, a PDF or a note." in response.content
    assert not WorkItem.objects.exists()


def test_parent_sends_an_iphone_heic_photo(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.journal.builders import heic_with_gps

    response = client_for(world.parent).post(
        url(world.amy.code), {"uploads": [upload(heic_with_gps(), "IMG_0001.HEIC", "image/heic")]}
    )
    assert response.status_code == 302
    stored = WorkFile.objects.get()
    assert stored.kind == "image" and stored.file.name.endswith(".jpg")
    photo = Image.open(stored.file.path)
    assert photo.format == "JPEG" and not photo.getexif()
    assert b"iPhone" not in Path(stored.file.path).read_bytes()


def test_send_form_offers_todays_activities_and_progress(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from homelearning.core.models import Term
    from tests.learning.conftest import activities, planned_day

    time_machine.move_to(datetime.datetime(2026, 1, 14, 10, 0, tzinfo=datetime.UTC), tick=False)
    Term.objects.create(
        school=world.school, name="Spring 1", first_day=datetime.date(2026, 1, 5), last_day=datetime.date(2026, 2, 13)
    )
    plan = planned_day(world.oak, world.teacher, day=datetime.date(2026, 1, 14))
    first = activities(plan)[0]
    page = client_for(world.parent).get(url(world.amy.code))
    assert f'<option value="{first.code}">Today: {first.title}</option>'.encode() in page.content
    # The upload script is served from our own static files, and the plain form posts without it.
    assert b'src="/static/journal/upload.js"' in page.content
    assert b'<progress id="upload-progress"' in page.content and b"data-upload-progress" in page.content
    assert b'enctype="multipart/form-data"' in page.content
