"""The import pages: permission ladder, upload, columns, preview, commit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from homelearning.people.models import Pupil
from homelearning.roster.models import ColumnMapping, ImportBatch
from tests.roster.builders import previewed, sample

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


LIST = reverse("roster:import_list")


def _upload(client, data: bytes, name: str = "export.csv", **fields: object):  # type: ignore[no-untyped-def]
    return client.post(LIST, {"file": SimpleUploadedFile(name, data), "kind": "pupils", "full": "on", **fields})


class TestImportListLadder:
    def test_anonymous_is_sent_to_sign_in(self, world, client) -> None:  # type: ignore[no-untyped-def]
        response = client.get(LIST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("who", ["teacher", "ta", "dsl", "senior", "parent"])
    def test_other_roles_are_refused(self, world, client_for, who: str) -> None:  # type: ignore[no-untyped-def]
        assert client_for(getattr(world, who)).get(LIST).status_code == 403

    @pytest.mark.parametrize("who", ["office", "head"])
    def test_office_and_headteacher_may_import(self, world, client_for, who: str) -> None:  # type: ignore[no-untyped-def]
        response = client_for(getattr(world, who)).get(LIST)
        assert response.status_code == 200
        assert b"Upload and preview" in response.content

    def test_the_list_shows_only_this_schools_imports(self, world, client_for) -> None:  # type: ignore[no-untyped-def]
        previewed(world.outsider_head, sample("pupils_sims.csv"), name="elsewhere.csv")
        response = client_for(world.office).get(LIST)
        assert b"elsewhere.csv" not in response.content


class TestDetailLadder:
    def test_anonymous_wrong_role_other_school_right_role(self, world, client, client_for) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.office, sample("pupils_sims.csv"))
        url = reverse("roster:import_detail", args=[batch.code])
        assert client.get(url).status_code == 302
        assert client_for(world.teacher).get(url).status_code == 403
        assert client_for(world.outsider_head).get(url).status_code == 404
        response = client_for(world.head).get(url)
        assert response.status_code == 200
        assert "Zoë Åberg" in response.content.decode()
        assert b"Import these changes" in response.content

    def test_missing_code_is_404(self, world, client_for) -> None:  # type: ignore[no-untyped-def]
        assert client_for(world.office).get(reverse("roster:import_detail", args=["nope"])).status_code == 404

    def test_commit_ladder(self, world, client, client_for) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.office, sample("pupils_sims.csv"))
        url = reverse("roster:import_commit", args=[batch.code])
        assert client.post(url).status_code == 302
        assert client_for(world.teacher).post(url).status_code == 403
        assert client_for(world.outsider_head).post(url).status_code == 404
        assert client_for(world.office).get(url).status_code == 405
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED


def test_upload_preview_and_commit_through_the_pages(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    response = _upload(client, sample("pupils_sims.csv"))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "To add" in page and "To mark as left" in page and "Ben Parker" in page
    response = client.post(reverse("roster:import_commit", args=[batch.code]), follow=True)
    assert "Imported." in response.content.decode()
    assert Pupil.objects.filter(upn="X938200125001").exists()
    # A second click commits nothing more.
    response = client.post(reverse("roster:import_commit", args=[batch.code]), follow=True)
    assert "already committed" in response.content.decode()
    assert Pupil.objects.filter(upn="X938200125001").count() == 1


def test_a_file_with_problems_shows_them_and_no_commit_button(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    response = _upload(client, sample("pupils_bad.csv"))
    page = client.get(response["Location"]).content.decode()
    assert "Problems to put right" in page
    assert "Import these changes" not in page
    assert "is not a real date" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "The submitted file is empty."), ("UPN\n".encode("utf-16"), "UTF-16")],
)
def test_bad_files_give_a_message_and_write_nothing(world, client_for, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client_for(world.office), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_no_file_at_all(world, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.office).post(LIST, {"kind": "pupils"})
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_a_file_over_the_limit_is_refused_from_its_size(world, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROSTER_MAX_UPLOAD_BYTES = 10_000
    response = _upload(client_for(world.office), b"x" * 200_000)
    assert response.status_code == 400
    assert b"The file is too big" in response.content
    assert not ImportBatch.objects.exists()


def test_choosing_columns_through_the_page(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    data = b"Pupil Number,Given,Family,Born,Form\nX938200125001,Zoe,Aberg,15/09/2021,Oak\n"
    _upload(client, data)
    batch = ImportBatch.objects.get()
    assert batch.problems
    url = reverse("roster:import_columns", args=[batch.code])
    response = client.post(
        url,
        {
            "upn": "Pupil Number",
            "legal_first_name": "Given",
            "surname": "Family",
            "date_of_birth": "Born",
            "class_name": "Form",
        },
        follow=True,
    )
    assert "Columns saved" in response.content.decode()
    assert ColumnMapping.objects.filter(school=world.school).exists()
    batch.refresh_from_db()
    assert batch.problems == []


def test_choosing_one_column_twice_is_refused(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    _upload(client, sample("pupils_sims.csv"))
    batch = ImportBatch.objects.get()
    response = client.post(reverse("roster:import_columns", args=[batch.code]), {"upn": "UPN", "mis_id": "UPN"})
    assert response.status_code == 400
    assert b"one field only" in response.content
    response = client.post(reverse("roster:import_columns", args=[batch.code]), {"upn": "Not a heading"})
    assert response.status_code == 400
    assert not ColumnMapping.objects.exists()


def test_columns_ladder(world, client, client_for) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"))
    url = reverse("roster:import_columns", args=[batch.code])
    assert client.post(url).status_code == 302
    assert client_for(world.teacher).post(url).status_code == 403
    assert client_for(world.outsider_head).post(url).status_code == 404


def test_a_real_50mb_upload_is_refused_from_its_length(world, client_for) -> None:  # type: ignore[no-untyped-def]
    data = b"UPN,Legal Forename\n" + b"T938456789012,Amelia\n" * (50 * 1024 * 1024 // 21)
    response = _upload(client_for(world.office), data, name="whole-mis.csv")
    assert response.status_code == 400
    assert b"The file is too big" in response.content
    assert not ImportBatch.objects.exists()
