from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.learning import services
from homelearning.learning.models import Resource
from homelearning.people.models import Staff
from tests.learning.conftest import planned_day
from tests.pdfs import plain_pdf
from tests.personas import World

PDF = plain_pdf()
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64

URL = reverse("learning:resource_list")
UPLOAD = reverse("learning:resource_upload")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def link_data(**overrides: str) -> dict[str, str]:
    data = {
        "link-title": "White Rose Maths Year 1",
        "link-url": "https://whiterosemaths.com/homelearning/year-1/",
        "link-provider": "White Rose Maths",
        "link-note": "Watch the video, then do the worksheet.",
    }
    data.update({f"link-{k}": v for k, v in overrides.items()})
    return data


def upload(world: World, content: bytes, name: str, title: str = "Counting clip") -> Resource:
    return services.resource_upload(
        by=Staff.objects.get(user=world.teacher), title=title, upload=SimpleUploadedFile(name, content)
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 200), ("ta", 200), ("head", 200), ("senior", 200), ("office", 403), ("parent", 403)],
)
def test_library_ladder(world: World, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for(getattr(world, persona)).get(URL).status_code == status


def test_library_anonymous_goes_to_sign_in(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_teacher_adds_a_link(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(URL, link_data())
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.school == world.school
    assert resource.kind == Resource.Kind.LINK
    assert AuditEvent.objects.filter(action="learning.resource.create").exists()
    page = client_for(world.teacher).get(URL).content.decode()
    assert "Leaves our site" in page
    assert 'rel="noopener noreferrer external"' in page


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,hi", "ftp://example.org/x", "example.org", "//x"],
)
def test_only_http_links(world: World, client_for, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(URL, link_data(url=url))
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not Resource.objects.exists()


def test_pdf_and_mp4_are_recognised_by_content(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.teacher)
    response = client.post(UPLOAD, {"up-title": "Sheet", "up-file": SimpleUploadedFile("sheet.bin", PDF)})
    assert response.status_code == 302
    response = client.post(UPLOAD, {"up-title": "Clip", "up-file": SimpleUploadedFile("clip.dat", MP4)})
    assert response.status_code == 302
    kinds = dict(Resource.objects.values_list("title", "kind"))
    assert kinds == {"Sheet": "worksheet", "Clip": "clip"}


@pytest.mark.parametrize("name", ["virus.pdf", "virus.mp4", "virus.exe"])
def test_wrong_content_is_refused_whatever_its_name(world: World, client_for, name: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(UPLOAD, {"up-title": "Bad", "up-file": SimpleUploadedFile(name, EXE)})
    assert response.status_code == 400
    assert "Only MP4 clips, PDF worksheets and M4A or MP3 recordings" in response.content.decode()
    assert not Resource.objects.exists()


def test_oversize_upload_is_refused(world: World, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEARNING_UPLOAD_MAX_BYTES = 1024
    big = PDF + b"0" * 2048
    response = client_for(world.teacher).post(UPLOAD, {"up-title": "Big", "up-file": SimpleUploadedFile("b.pdf", big)})
    assert response.status_code == 400
    assert "no bigger than" in response.content.decode()
    assert not Resource.objects.exists()


def test_upload_is_not_under_a_public_url(world: World) -> None:
    resource = upload(world, PDF, "sheet.pdf")
    with pytest.raises(ValueError, match="not accessible via a URL"):
        resource.file.url  # noqa: B018


def test_file_is_served_to_staff_of_the_school_only(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    resource = upload(world, PDF, "sheet.pdf")
    url = reverse("learning:resource_file", args=[resource.code])
    response = client_for(world.office).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world.outsider_teacher).get(url).status_code == 404


def test_file_is_served_to_parents_whose_child_has_it_in_a_plan(world: World, client_for, term) -> None:  # type: ignore[no-untyped-def]
    resource = upload(world, MP4, "clip.mp4")
    url = reverse("learning:resource_file", args=[resource.code])
    assert client_for(world.parent).get(url).status_code == 404
    plan = planned_day(world.oak, world.teacher, minutes=(30,))
    plan.activities.get().resources.add(resource)
    response = client_for(world.parent).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert client_for(world.outsider_parent).get(url).status_code == 404


def test_file_anonymous_goes_to_sign_in(world: World, client) -> None:  # type: ignore[no-untyped-def]
    resource = upload(world, PDF, "sheet.pdf")
    response = client.get(reverse("learning:resource_file", args=[resource.code]))
    assert response.status_code == 302


def test_remove_a_resource(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    resource = upload(world, PDF, "sheet.pdf")
    path = resource.file.path
    url = reverse("learning:resource_remove", args=[resource.code])
    assert client_for(world.outsider_teacher).post(url).status_code == 404
    assert client_for(world.office).post(url).status_code == 403
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client_for(world.ta).post(url).status_code == 302
    assert not Resource.objects.exists()
    assert not os.path.exists(path)
    assert AuditEvent.objects.filter(action="learning.resource.delete").exists()


def test_empty_upload_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(
        UPLOAD, {"up-title": "Empty", "up-file": SimpleUploadedFile("e.pdf", b"")}
    )
    assert response.status_code == 400
    assert not Resource.objects.exists()
