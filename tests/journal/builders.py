"""Files and states for journal tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from homelearning.journal import services
from homelearning.journal.models import WorkItem
from homelearning.people.models import Pupil, User
from tests.pdfs import HOSTILE, plain_pdf

PDF = plain_pdf()
PDF_WITH_JS = HOSTILE["javascript open action"]


def jpeg_with_gps(size: tuple[int, int] = (3000, 1500)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (50, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def sent_work(pupil: Pupil, by: User, *, note: str = "We made a rocket.", photo: bool = True) -> WorkItem:
    uploads = [upload(jpeg_with_gps((400, 300)))] if photo else []
    return services.work_submit(pupil=pupil, by=by, by_label="Parent", uploads=uploads, note=note)


def heic_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    """A real HEIC (what an iPhone saves), with camera and GPS tags, made by pillow-heif."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (30, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=exif.tobytes(), quality=80)
    return out.getvalue()
