"""The printed pack: HTML from the child's plan, rendered by WeasyPrint, worksheets merged with pypdf.

WeasyPrint may fetch nothing from the network: the stylesheet is inline, QR codes are data: URIs,
and the URL fetcher refuses every URL that is not data: or a file under our own static folder.
"""

from __future__ import annotations

import base64
import datetime
import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.constants
from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from homelearning.learning.models import Activity, Resource
from homelearning.people.models import Pupil

# WeasyPrint narrates each step at INFO; only its warnings belong in the school's logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses anything but data: URIs and files inside our static folders.
    Its `refused` list records every URL it turned away. (WeasyPrint is imported on first use: it is
    heavy, and most requests never print.)"""
    from weasyprint import URLFetcher  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcherResponse  # type: ignore[import-untyped]

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self._roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in self._roots) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            self.refused.append(url)
            raise ValueError(f"Packs load nothing from outside the school's own files: {url}")

    return LocalOnlyFetcher()


_local = threading.local()


def _font_config() -> Any:
    """One font configuration per thread, reused: a new one per document finds and loads the fonts again."""
    if not hasattr(_local, "font_config"):
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

        _local.font_config = FontConfiguration()
    return _local.font_config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=local_only_fetcher())
    result: bytes = document.write_pdf(font_config=_font_config())
    return result


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A QR code as a small PNG data: URI (WeasyPrint paints a raster far faster than an SVG of modules;
    `image-rendering: pixelated` keeps its edges sharp in print). Cached: a class shares its links."""
    code = qrcode.QRCode(box_size=4, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass
class PackDay:
    date: datetime.date
    activities: list[Activity]
    from_template: str = ""


@dataclass
class PackContent:
    pupil: Pupil
    code: str
    days: list[PackDay]
    return_by: datetime.date
    note: str = ""
    worksheets: list[Resource] = field(default_factory=list)
    language: str = ""  # the primary carer's preferred language; "" is English


def _resources(activity: Activity) -> list[Resource]:
    cached = getattr(activity, "resource_list", None)
    return list(cached) if cached is not None else list(activity.resources.all())


def _day_context(day: PackDay, qr_cache: dict[str, str]) -> dict[str, Any]:
    activities = []
    for activity in day.activities:
        links, clips, sheets = [], [], []
        for resource in _resources(activity):
            if resource.kind == Resource.Kind.LINK:
                if resource.url not in qr_cache:
                    qr_cache[resource.url] = qr_data_uri(resource.url)
                links.append({"resource": resource, "qr": qr_cache[resource.url]})
            elif resource.kind == Resource.Kind.WORKSHEET:
                sheets.append(resource)
            else:
                clips.append(resource)
        activities.append({"activity": activity, "links": links, "clips": clips, "sheets": sheets})
    return {"date": day.date, "activities": activities, "from_template": day.from_template}


def pack_html(content: PackContent) -> str:
    """The pack in the language of the child's primary carer (issue 16), the teacher's words machine-translated
    where a provider has translated them."""
    from django.utils import translation

    from homelearning.core.languages import ENGLISH, supported
    from homelearning.translation import services as machine

    language = supported(content.language) if content.language else ENGLISH
    with translation.override(language):
        machine.shown([a for day in content.days for a in day.activities], ("title", "instructions"), language)
        return _pack_html(content)


def _pack_html(content: PackContent) -> str:
    qr_cache: dict[str, str] = {}
    return render_to_string(
        "packs/pdf/pack.html",
        {
            "pupil": content.pupil,
            "code": content.code,
            "days": [_day_context(d, qr_cache) for d in content.days],
            "return_by": content.return_by,
            "note": content.note,
            "worksheets": content.worksheets,
            "school": content.pupil.school,
        },
    )


def worksheets_of(days: list[PackDay]) -> list[Resource]:
    seen: dict[int, Resource] = {}
    for day in days:
        for activity in day.activities:
            for resource in _resources(activity):
                if resource.kind == Resource.Kind.WORKSHEET:
                    seen.setdefault(resource.pk, resource)
    return list(seen.values())


class WorksheetError(Exception):
    pass


def render_pack(content: PackContent) -> tuple[bytes, int]:
    """The pack's PDF and its page count: the printed days, then each worksheet once."""
    main = html_to_pdf(pack_html(content))
    if not content.worksheets:
        return main, len(PdfReader(io.BytesIO(main)).pages)
    writer = PdfWriter()
    writer.append(io.BytesIO(main))
    for sheet in content.worksheets:
        try:
            with sheet.file.open("rb") as handle:
                writer.append(io.BytesIO(handle.read()))
        except (OSError, PdfReadError, ValueError) as exc:
            raise WorksheetError(f"The worksheet “{sheet.title}” could not be read: upload it again.") from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def merge(packs: Sequence[Any]) -> bytes:
    """Join stored pack PDFs (anything with a `pdf` file field) into one file."""
    writer = PdfWriter()
    for pack in packs:
        with pack.pdf.open("rb") as handle:
            writer.append(handle)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
