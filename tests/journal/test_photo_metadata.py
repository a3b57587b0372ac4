"""Every kind of hidden text in a photo is gone from the stored file and its thumbnail (DPR-01, DPR-05).

Each source format carries each kind of metadata it can hold: EXIF (with GPS), XMP, an ICC profile, a
JPEG comment (COM), PNG text chunks (tEXt, zTXt, iTXt). The stored copies are read segment by segment:
a JPEG may hold only the markers of its pixels and a plain JFIF header.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms, PngImagePlugin
from pillow_heif import from_pillow

from homelearning.journal import processing

SECRET = "Amelia Parker, 12 Acacia Avenue"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{SECRET}"/></rdf:RDF></x:xmpmeta>'
).encode()
# Markers of a JPEG's pixels (frame, tables, scan, restart) and the image's start and end.
PIXEL_MARKERS = {0xD8, 0xD9, 0xDB, 0xC4, 0xDD, 0xDA, *range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xD0)}


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = SECRET  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS
    return exif.tobytes()


def _icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes() + SECRET.encode()  # a profile with trailing text no one would look for


def _picture() -> Image.Image:
    return Image.new("RGB", (640, 480), (200, 120, 40))


def jpeg_source() -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="JPEG", exif=_exif(), icc_profile=_icc(), comment=SECRET.encode(), xmp=XMP)
    return out.getvalue()


def png_source() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", SECRET)
    text.add_text("Comment", SECRET, zip=True)  # zTXt
    text.add_itxt("Description", SECRET, lang="en")  # iTXt
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    _picture().save(out, format="PNG", pnginfo=text, exif=_exif(), icc_profile=_icc())
    return out.getvalue()


def webp_source() -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="WEBP", exif=_exif(), icc_profile=_icc(), xmp=XMP)
    return out.getvalue()


def heic_source() -> bytes:
    image = _picture()
    image.info.update(exif=_exif(), xmp=XMP, icc_profile=_icc())
    heif = from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=80, exif=_exif(), xmp=XMP)
    return out.getvalue()


SOURCES = {"JPEG": jpeg_source, "PNG": png_source, "WebP": webp_source, "HEIC": heic_source}


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) for each segment before the scan data, then the scan marker itself."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments, at = [(0xD8, b"")], 2
    while at < len(data):
        assert data[at] == 0xFF, f"not a marker at {at}"
        marker = data[at + 1]
        if marker == 0xD9:
            segments.append((marker, b""))
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        segments.append((marker, data[at + 4 : at + 2 + length]))
        if marker == 0xDA:  # the scan: entropy-coded data follows up to EOI
            break
        at += 2 + length
    return segments


@pytest.mark.parametrize("kind", SOURCES)
def test_the_source_really_carries_the_metadata(kind: str) -> None:
    data = SOURCES[kind]()
    opened = Image.open(io.BytesIO(data))
    assert opened.getexif(), kind
    assert SECRET.encode() in data, kind


@pytest.mark.parametrize("kind", SOURCES)
def test_stored_photo_and_thumbnail_keep_nothing_but_pixels(kind: str) -> None:
    result = processing.process_upload(SOURCES[kind]())
    for stored in (result.content, result.thumbnail):
        segments = jpeg_segments(stored)
        for marker, payload in segments:
            if marker == 0xE0:  # APP0: only the plain JFIF header (version, density), nothing else
                assert payload.startswith(b"JFIF\x00") and len(payload) == 14, (kind, payload)
                continue
            assert marker in PIXEL_MARKERS, f"{kind}: segment 0xFF{marker:02X} kept"
        markers = {m for m, _ in segments}
        assert 0xFE not in markers  # COM
        assert not markers & set(range(0xE1, 0xF0))  # APP1 (EXIF, XMP) … APP15, APP2 (ICC) among them
        for needle in (SECRET.encode(), b"Acacia", b"PhoneMaker", b"xmpmeta", b"Exif\x00", b"ICC_PROFILE"):
            assert needle not in stored, (kind, needle)
        reopened = Image.open(io.BytesIO(stored))
        assert not reopened.getexif() and not set(reopened.info) - {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "dpi",
        }
