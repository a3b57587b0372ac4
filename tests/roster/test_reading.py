"""Files that are too big, empty, or in the wrong encoding: a clear message and nothing written."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine

from homelearning.people.models import Pupil
from homelearning.roster import services
from homelearning.roster.models import ImportBatch
from homelearning.roster.reading import ImportRefused, recognise_columns
from tests.roster.builders import previewed, sample

pytestmark = [pytest.mark.django_db]

SIMS_TEXT = sample("pupils_sims.csv").decode("utf-8")


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    "data",
    [
        SIMS_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + SIMS_TEXT.encode("utf-8"),
        SIMS_TEXT.encode("cp1252"),
        SIMS_TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "windows-1252-crlf"],
)
def test_utf8_with_or_without_bom_and_windows_1252_read_the_same(world, data: bytes) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, data)
    assert batch.problems == []
    assert {a["name"] for a in batch.preview["adds"]} == {"Zoë Åberg", "Noah Brown", "Shiv O'Neill"}
    assert batch.preview["columns"]["upn"] == "UPN"  # the BOM is not part of the first heading


def test_semicolon_separated_files_are_read(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, SIMS_TEXT.replace(",", ";").encode())
    assert batch.problems == []
    assert batch.preview["counts"]["pupils_add"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"UPN,Legal Forename\n", "column headings but no rows"),
        ("UPN,Name\n".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\x00\x01\x02binary\x00", "not a text file"),
        # 0x81 is undefined in Windows-1252 and invalid UTF-8: no encoding we read fits.
        (b"UPN,Legal Forename\nA1,\x81\x8d\x90\n", "encoding Home Learning cannot read"),
    ],
    ids=["empty", "blank-lines", "headings-only", "utf-16", "xlsx", "binary", "unknown-encoding"],
)
def test_unreadable_files_are_refused_with_a_clear_message(world, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match=message):
        previewed(world.office, data)
    assert not ImportBatch.objects.exists()


class _FiftyMegabytes(io.BytesIO):
    """A file that says it is 50 MB and fails the test if anyone reads it."""

    size = 50 * 1024 * 1024

    def read(self, *args: object) -> bytes:
        raise AssertionError("The file was read")


def test_a_50mb_file_is_refused_before_it_is_read(world) -> None:  # type: ignore[no-untyped-def]
    upload = _FiftyMegabytes()
    with pytest.raises(ImportRefused, match=r"52\.4 MB"):
        services.import_upload(
            school=world.school, by=world.office, upload=upload, file_name="big.csv", size=upload.size
        )
    assert not ImportBatch.objects.exists()
    assert Pupil.objects.count() == 4


def test_a_file_bigger_than_it_claims_is_refused_while_streaming(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROSTER_MAX_UPLOAD_BYTES = 10_000
    data = SIMS_TEXT.encode() + b"X938200125001,x\n" * 2000
    with pytest.raises(ImportRefused, match="too big"):
        services.import_upload(
            school=world.school, by=world.office, upload=io.BytesIO(data), file_name="a.csv", size=100
        )


def test_too_many_rows_are_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROSTER_MAX_ROWS = 3
    with pytest.raises(ImportRefused, match="more than 3 rows"):
        previewed(world.office, sample("pupils_sims.csv"))


def test_common_mis_headings_are_recognised() -> None:
    headers = [
        "Adno",
        "UPN",
        "Legal Forename",
        "Preferred Forename",
        "Legal Surname",
        "DOB",
        "Reg Group",
        "Year Group",
        "Contact Forename",
        "Contact Surname",
        "Priority",
        "Contact Email",
        "Mobile",
    ]
    mapping = recognise_columns(headers=headers, kind="pupils", saved={})
    assert mapping == {
        "upn": "UPN",
        "mis_id": "Adno",
        "legal_first_name": "Legal Forename",
        "preferred_first_name": "Preferred Forename",
        "surname": "Legal Surname",
        "date_of_birth": "DOB",
        "class_name": "Reg Group",
        "year_group": "Year Group",
        "contact_first_name": "Contact Forename",
        "contact_surname": "Contact Surname",
        "contact_priority": "Priority",
        "contact_email": "Contact Email",
        "contact_phone": "Mobile",
    }


def test_a_saved_mapping_wins_over_the_recognised_names() -> None:
    mapping = recognise_columns(headers=["Forename", "Known As"], kind="pupils", saved={"legal_first_name": "Known As"})
    assert mapping["legal_first_name"] == "Known As"
    assert "preferred_first_name" not in mapping  # a column holds one field only
