"""Checking uploads by content and making safe copies: no file name is trusted, no metadata survives."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener

from homelearning.core.errors import ServiceError
from homelearning.core.pdfgate import pdf_check_and_clean

# iPhones save photos as HEIC; pillow-heif teaches Pillow to read them (they are re-encoded to JPEG here).
register_heif_opener()

MAX_SIDE = 2000
THUMB_SIDE = 400
# A phone photo is 12-48 megapixels; anything far larger is a decompression bomb.
MAX_PIXELS = 60_000_000
# ISO base media "ftyp" brands of HEIF still images (iPhone photos are "heic").
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
IMAGE_FORMATS = {"JPEG", "PNG", "HEIF", "WEBP"}


@dataclass(frozen=True)
class Processed:
    kind: str  # "image" or "pdf"
    content: bytes
    thumbnail: bytes = b""
    width: int | None = None
    height: int | None = None


def pixels_only(image: Image.Image) -> Image.Image:
    """A new image made from the pixels alone: no `info` (EXIF, XMP, ICC profile, comment, text chunks)
    comes with it, so no encoder can copy any of it into the file (Pillow's JPEG writer, for one, falls back
    to the source image's comment)."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    clean = pixels_only(image)
    assert not clean.info  # noqa: S101 - the whole point: nothing but pixels
    clean.save(out, format="JPEG", quality=85)
    return out.getvalue()


def process_image(data: bytes) -> Processed:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise ServiceError(gettext("Photos must be JPEG, PNG, WebP or HEIC."))
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ServiceError("That picture is too large to open safely.")
                if image.format == "JPEG":
                    # Let the decoder scale down by 1/2, 1/4 or 1/8 while decoding: far less time and memory.
                    scale = min(1.0, MAX_SIDE / max(width, height))
                    image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError("That picture is too large to open safely.") from None
    except ServiceError:
        raise
    except (OSError, SyntaxError, ValueError):
        raise ServiceError("That photo could not be read; it may be damaged. Please take it again.") from None
    if upright.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    full = _jpeg(upright)
    thumb = upright.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Processed(kind="image", content=full, thumbnail=_jpeg(thumb), width=upright.width, height=upright.height)


def check_pdf(data: bytes) -> Processed:
    """Through the one PDF gate (core.pdfgate): refused if it could act by itself, kept without metadata."""
    return Processed(kind="pdf", content=pdf_check_and_clean(data))


def _is_heif(data: bytes) -> bool:
    if data[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(data[0:4], "big")
    brands = data[8:12], *(data[i : i + 4] for i in range(16, min(box_size, 64), 4))
    return any(brand in _HEIF_BRANDS for brand in brands)


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n") or _is_heif(data):
        return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


def process_upload(data: bytes) -> Processed:
    kind = sniff(data)
    if kind == "image":
        return process_image(data)
    if kind == "pdf":
        return check_pdf(data)
    raise ServiceError(
        gettext("Only photos (JPEG, PNG, WebP or iPhone HEIC) and PDFs can be sent; this file is neither.")
    )
