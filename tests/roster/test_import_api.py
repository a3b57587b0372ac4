"""POST /api/v1/imports and /api/v1/imports/{code}/commit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from homelearning.people.models import Pupil
from homelearning.roster.models import ImportBatch
from tests.api.builders import bearer, live_token
from tests.roster.builders import previewed, sample

pytestmark = [pytest.mark.django_db]
URL = "/api/v1/imports"


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


def _post(client, secret: str, data: bytes, name: str = "export.csv", **fields: object):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields}, headers=bearer(secret))


def test_anonymous_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    assert client.post(URL, {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 401


def test_a_teacher_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.teacher)
    assert _post(client, secret, sample("pupils_sims.csv")).status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_returns_the_preview_and_commit_applies_it(world, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.office)
    response = _post(client, secret, sample("pupils_sims.csv"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed"
    assert body["counts"]["pupils_add"] == 3
    assert body["problems"] == []
    response = client.post(f"{URL}/{body['code']}/commit", headers=bearer(secret))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    assert Pupil.objects.filter(upn="X938200125001").exists()
    again = client.post(f"{URL}/{body['code']}/commit", headers=bearer(secret))
    assert again.status_code == 409


def test_a_partial_import_through_the_api(world, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.office)
    body = _post(client, secret, sample("pupils_sims.csv"), full="false").json()
    assert body["full"] is False
    assert body["counts"]["pupils_leave"] == 0


def test_problems_are_returned_and_commit_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.office)
    body = _post(client, secret, sample("pupils_bad.csv")).json()
    assert {
        "row": 5,
        "column": "Date of birth",
        "message": "'31/02/2021' is not a real date (write dates as 31/01/2020 or 2020-01-31).",
    } in body["problems"]
    response = client.post(f"{URL}/{body['code']}/commit", headers=bearer(secret))
    assert response.status_code == 422
    assert ImportBatch.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        (b"", {}, "empty"),
        (b"UPN\n", {"kind": "nonsense"}, "kind"),
        (sample("bomb.xml"), {}, "entities"),
    ],
)
def test_bad_uploads_are_422_with_a_message(world, client, data: bytes, fields: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.office)
    response = _post(client, secret, data, **fields)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_no_file_is_422(world, client) -> None:  # type: ignore[no-untyped-def]
    _, secret = live_token(world.office)
    response = client.post(URL, {"kind": "pupils"}, headers=bearer(secret))
    assert response.status_code == 422


def test_too_big_is_413_before_reading(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROSTER_MAX_UPLOAD_BYTES = 10_000
    _, secret = live_token(world.office)
    response = _post(client, secret, b"x" * 200_000)
    assert response.status_code == 413


def test_another_schools_import_is_404(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.outsider_head, sample("pupils_sims.csv"))
    _, secret = live_token(world.office)
    assert client.post(f"{URL}/{batch.code}/commit", headers=bearer(secret)).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_openapi_lists_the_import_endpoints(world, client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/imports"]
    assert "post" in paths["/api/v1/imports/{code}/commit"]
