"""One gate for every PDF upload: parsed, every object walked (object streams too), actions refused,
metadata dropped; documents served as attachments."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from homelearning.core.errors import ServiceError
from homelearning.core.pdfgate import pdf_check_and_clean
from homelearning.journal.models import WorkFile, WorkItem
from homelearning.learning.models import Resource
from homelearning.provision import services as provision
from homelearning.provision.models import MedicalAdvice, RiskAssessment
from tests.journal.builders import jpeg_with_gps
from tests.pdfs import HOSTILE, PAGE_TEXT, SECRET, WITH_LINK, WITH_METADATA
from tests.personas import World
from tests.provision.builders import requested_case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def files_in(root: Path) -> list[Path]:
    """Every stored file: under MEDIA_ROOT, and under the worksheets' private storage (set at import)."""
    worksheets = Path(Resource._meta.get_field("file").storage.location)  # type: ignore[attr-defined]
    return sorted(p for folder in {root, worksheets} for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("kind", HOSTILE)
def test_each_hostile_pdf_is_refused_with_a_message(kind: str) -> None:
    data = HOSTILE[kind]
    if "javascript" in kind:
        assert b"JavaScript" not in data and b"/JS" not in data  # hidden from a byte search
    with pytest.raises(ServiceError, match="PDFs that run scripts or act by themselves cannot be sent"):
        pdf_check_and_clean(data)


def test_an_accepted_pdf_keeps_its_page_and_links_and_loses_its_metadata() -> None:
    for source in (WITH_LINK, WITH_METADATA):
        kept = pdf_check_and_clean(source)
        reader = PdfReader(io.BytesIO(kept))
        assert reader.pages[0].extract_text() == PAGE_TEXT
        assert reader.metadata is None and "/Metadata" not in reader.trailer["/Root"]
        for needle in (SECRET.encode(), b"Scanner 3000", b"xmpmeta", b"Amy's homework"):
            assert needle not in kept
    annotation = PdfReader(io.BytesIO(pdf_check_and_clean(WITH_LINK))).pages[0]["/Annots"][0].get_object()
    assert annotation["/A"]["/URI"] == "https://www.bbc.co.uk/bitesize"


def test_damaged_and_encrypted_pdfs_are_refused() -> None:
    from pypdf import PdfWriter

    with pytest.raises(ServiceError, match="could not be read"):
        pdf_check_and_clean(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(WITH_LINK)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ServiceError, match="Password-protected"):
        pdf_check_and_clean(out.getvalue())


def test_a_damaged_pdf_is_refused_with_a_message_wherever_it_breaks() -> None:
    """Cut short or with bytes overwritten anywhere, a PDF is accepted or refused, never an error."""
    import random

    source = WITH_LINK
    rng = random.Random(15)
    damaged = [source[:cut] for cut in range(8, len(source), 23)]
    for _ in range(150):
        at = rng.randrange(8, len(source))
        damaged.append(source[:at] + bytes([rng.randrange(256)]) * rng.randrange(1, 6) + source[at + 3 :])
    refused = 0
    for data in damaged:
        try:
            kept = pdf_check_and_clean(data)
        except ServiceError:
            refused += 1
            continue
        assert kept.startswith(b"%PDF-")
    assert refused > len(damaged) // 4  # most cuts break it; each one said so


# --- Every upload path -------------------------------------------------------------------------------


def _journal(world: World, client_for, data: bytes) -> int:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(
        reverse("journal:child", args=[world.amy.code]),
        {"uploads": [SimpleUploadedFile("work.pdf", data, content_type="application/pdf")], "note": "Our sums"},
    )
    return response.status_code


def _worksheet(world: World, client_for, data: bytes) -> int:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(
        reverse("learning:resource_upload"), {"up-title": "Sheet", "up-file": SimpleUploadedFile("s.pdf", data)}
    )
    return response.status_code


def _risk_assessment(world: World, client_for, data: bytes) -> int:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    try:
        provision.risk_assessment_record(
            case=case,
            by=world.staff(world.head),
            assessed_on=datetime.date(2026, 11, 27),
            assessed_by="Mrs Hart",
            findings="Can learn at home safely.",
            document=SimpleUploadedFile("ra.pdf", data, content_type="application/pdf"),
        )
    except ServiceError:
        return 400
    return 302


def _medical_advice(world: World, client_for, data: bytes) -> int:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    try:
        provision.medical_advice_record(
            case=case,
            by=world.staff(world.head),
            advised_by="Dr Rao, GP",
            advised_on=datetime.date(2026, 11, 26),
            summary="Rest at home.",
            document=SimpleUploadedFile("gp.pdf", data, content_type="application/pdf"),
        )
    except ServiceError:
        return 400
    return 302


PATHS = {
    "journal": _journal,
    "worksheet": _worksheet,
    "risk assessment": _risk_assessment,
    "medical advice": _medical_advice,
}


def _stored() -> int:
    return (
        WorkItem.objects.count() + WorkFile.objects.count() + Resource.objects.count() + RiskAssessment.objects.count()
    )


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("path", PATHS)
def test_every_upload_path_refuses_each_hostile_pdf_and_stores_nothing(
    world: World, client_for, tmp_path: Path, path: str, kind: str
) -> None:  # type: ignore[no-untyped-def]
    before = files_in(tmp_path)
    assert PATHS[path](world, client_for, HOSTILE[kind]) == 400
    assert _stored() == 0 and MedicalAdvice.objects.count() == 0
    assert files_in(tmp_path) == before


@pytest.mark.parametrize("path", PATHS)
def test_every_upload_path_keeps_a_clean_copy(world: World, client_for, tmp_path: Path, path: str) -> None:  # type: ignore[no-untyped-def]
    before = files_in(tmp_path)
    assert PATHS[path](world, client_for, WITH_METADATA) == 302
    (stored,) = set(files_in(tmp_path)) - set(before)
    kept = stored.read_bytes()
    assert PdfReader(io.BytesIO(kept)).pages[0].extract_text() == PAGE_TEXT
    assert SECRET.encode() not in kept and b"Scanner 3000" not in kept
    stored.unlink()  # the worksheets' storage is not the test's MEDIA_ROOT


# --- Serving -------------------------------------------------------------------------------------------


def test_documents_are_attachments_and_only_our_own_photos_show_inline(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    client.post(
        reverse("journal:child", args=[world.amy.code]),
        {
            "uploads": [
                SimpleUploadedFile("p.jpg", jpeg_with_gps((400, 300)), content_type="image/jpeg"),
                SimpleUploadedFile("w.pdf", WITH_LINK, content_type="application/pdf"),
            ],
            "note": "Both",
        },
    )
    photo, pdf = WorkFile.objects.order_by("pk")
    for part, disposition, kind in ((photo, "inline", "image/jpeg"), (pdf, "attachment", "application/pdf")):
        response = client.get(reverse("journal:file", args=[part.code]))
        assert response.status_code == 200 and response["Content-Type"] == kind
        assert response["Content-Disposition"].startswith(disposition)
        assert response["X-Content-Type-Options"] == "nosniff"
    _worksheet(world, client_for, WITH_LINK)
    sheet = Resource.objects.get()
    served = client_for(world.teacher).get(reverse("learning:resource_file", args=[sheet.code]))
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
