from __future__ import annotations

import io

import pytest
from PIL import Image

from homelearning.core.errors import ServiceError
from homelearning.journal import processing
from tests.journal.builders import PDF, PDF_WITH_JS, heic_with_gps, jpeg_with_gps, png_bytes


def test_photo_is_resized_thumbnailed_and_loses_all_metadata() -> None:
    original = jpeg_with_gps((3000, 1500))
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really has EXIF/GPS
    result = processing.process_upload(original)
    assert result.kind == "image"
    full = Image.open(io.BytesIO(result.content))
    assert full.format == "JPEG"
    assert max(full.size) == processing.MAX_SIDE
    assert not full.getexif()
    assert "exif" not in full.info and "icc_profile" not in full.info
    assert b"PhoneMaker" not in result.content
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert max(thumb.size) <= processing.THUMB_SIDE
    assert not thumb.getexif()


def test_png_with_transparency_becomes_jpeg() -> None:
    result = processing.process_upload(png_bytes())
    assert Image.open(io.BytesIO(result.content)).format == "JPEG"


def test_corrupt_image_is_refused() -> None:
    broken = jpeg_with_gps((800, 600))[:400]
    with pytest.raises(ServiceError, match="could not be read"):
        processing.process_upload(broken)


def test_renamed_file_is_refused() -> None:
    with pytest.raises(ServiceError, match="neither"):
        processing.process_upload(b"MZ\x90\x00 this is a program, not a photo")


def test_gif_pretending_is_refused() -> None:
    with pytest.raises(ServiceError, match="neither"):
        processing.process_upload(b"GIF89a" + b"\x00" * 40)


def test_decompression_bomb_is_refused() -> None:
    # 9000 x 9000 one-bit pixels: a small file that would decode to 81 megapixels.
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ServiceError, match="too large"):
        processing.process_upload(out.getvalue())


def test_pillow_bomb_error_is_turned_into_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processing, "MAX_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ServiceError, match="too large"):
        processing.process_upload(png_bytes((100, 100)))


def test_pdf_is_kept_without_its_metadata() -> None:
    from pypdf import PdfReader

    from tests.pdfs import PAGE_TEXT, SECRET, WITH_METADATA

    for source in (PDF, WITH_METADATA):
        kept = processing.process_upload(source).content
        reader = PdfReader(io.BytesIO(kept))
        assert reader.pages[0].extract_text() == PAGE_TEXT  # what the family sees is all there
        assert reader.metadata is None and "/Metadata" not in reader.trailer["/Root"]
        assert SECRET.encode() not in kept and b"Scanner 3000" not in kept and b"xmpmeta" not in kept


def test_pdf_with_script_is_refused() -> None:
    with pytest.raises(ServiceError, match="scripts"):
        processing.process_upload(PDF_WITH_JS)


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\n<</S/JavaScript>>", b"%PDF-1.4\n<</#4A#53 (x)>>", b"%PDF-1.4\n<</#4Aava#53cript>>"]
)
def test_a_pdf_that_cannot_be_parsed_is_refused(data: bytes) -> None:
    with pytest.raises(ServiceError, match="could not be read"):
        processing.process_upload(data)


def test_iphone_heic_is_re_encoded_to_jpeg_without_metadata() -> None:
    original = heic_with_gps((2400, 1800))
    assert original[4:12] == b"ftypheic"
    opened = Image.open(io.BytesIO(original))
    assert opened.format == "HEIF" and opened.getexif()[0x010F] == "Apple"  # the fixture really has EXIF
    result = processing.process_upload(original)
    full = Image.open(io.BytesIO(result.content))
    assert result.kind == "image" and full.format == "JPEG"
    assert max(full.size) == processing.MAX_SIDE
    assert not full.getexif() and "exif" not in full.info
    assert b"iPhone" not in result.content and b"Apple" not in result.content
    assert Image.open(io.BytesIO(result.thumbnail)).format == "JPEG"


def test_damaged_heic_is_refused() -> None:
    with pytest.raises(ServiceError, match="could not be read"):
        processing.process_upload(heic_with_gps()[:300])
