"""One gate for every PDF anyone uploads (journal work, worksheets, returned paper packs).

The file is parsed with pypdf, not searched as bytes: every object the cross-reference table names is
loaded, those packed inside compressed object streams included, and walked to its leaves. A PDF that can
run or open anything by itself is refused with a message: JavaScript, launch actions, actions that run
when the document opens or a page is shown (open actions, additional actions), embedded files, XFA forms
and rich media. A link the reader must click (a /URI action on a link annotation) is allowed: worksheets
point to websites.

An accepted PDF is written out again without its document metadata (the information dictionary's author,
title and producer; the XMP stream), so it carries only what the family or teacher saw on the page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from django.utils.translation import gettext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject

from homelearning.core.errors import ServiceError

logger = logging.getLogger(__name__)

# A key anywhere in the document that means the file can act by itself.
_FORBIDDEN_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "actions that run by themselves",
    "/EmbeddedFile": "embedded files",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded files",
    "/XFA": "an XFA form",
    "/RichMedia": "rich media",
    "/RichMediaContent": "rich media",
}
# Action types (/S) that are never allowed, wherever they are.
_FORBIDDEN_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that opens another program",
    "/ImportData": "an action that loads other data",
    "/SubmitForm": "a form that sends itself",
    "/RichMediaExecute": "rich media",
    "/Rendition": "rich media",
    "/Sound": "rich media",
    "/Movie": "rich media",
}
_MAX_OBJECTS = 200_000


class PdfRefused(ServiceError):
    """The PDF is damaged, or could run or open something by itself."""


def _refuse(what: str) -> PdfRefused:
    return PdfRefused(
        gettext(
            "PDFs that run scripts or act by themselves cannot be sent (this one holds %(what)s). "
            "Please save or scan it again without them."
        )
        % {"what": gettext(what)}
    )


def _every_object(reader: PdfReader) -> Iterator[PdfObject]:
    """Each object the file's cross-reference tables name, those inside object streams included."""
    numbers: set[tuple[int, int]] = set()
    for generation, entries in reader.xref.items():
        numbers.update((number, generation) for number in entries)
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > _MAX_OBJECTS:
        raise PdfRefused(gettext("That PDF is too complicated to check. Please save or scan it again."))
    yield reader.trailer
    for number, generation in sorted(numbers):
        found = reader.get_object(IndirectObject(number, generation, reader))
        if found is not None:
            yield found


def _walk(value: PdfObject, seen: set[int]) -> None:
    """Refuse if anything reachable from `value` (not through another indirect object) may act."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            continue  # every indirect object is walked on its own
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, DictionaryObject | StreamObject):
            for key, child in item.items():
                if key in _FORBIDDEN_KEYS:
                    raise _refuse(_FORBIDDEN_KEYS[key])
                if key == "/OpenAction" and not isinstance(child.get_object(), ArrayObject):
                    # A destination (which page to show first) is fine; an action is not.
                    raise _refuse("an action that runs when it is opened")
                if key == "/S" and str(child) in _FORBIDDEN_ACTIONS:
                    raise _refuse(_FORBIDDEN_ACTIONS[str(child)])
                if key in {"/Type", "/Subtype"} and str(child) in {"/EmbeddedFile", "/FileAttachment"}:
                    raise _refuse("embedded files")
                stack.append(child)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def pdf_check_and_clean(data: bytes) -> bytes:
    """The PDF written out again without its metadata, or PdfRefused with a message for the person."""
    if not data.startswith(b"%PDF-"):
        raise PdfRefused(gettext("That file is not a PDF."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRefused(gettext("Password-protected PDFs cannot be sent. Please save it without a password."))
        seen: set[int] = set()
        for found in _every_object(reader):
            _walk(found, seen)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # no information dictionary (author, title, producer…)
        writer.xmp_metadata = None
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                page.pop(NameObject(key), None)
        writer._root_object.pop(NameObject("/PieceInfo"), None)
        # What no longer hangs from the document (the old XMP stream) is not written at all.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except PdfRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a file pypdf cannot read, however it fails, is refused, never a 500
        logger.info("PDF refused as unreadable: %s: %s", type(exc).__name__, exc)
        raise PdfRefused(
            gettext("That PDF could not be read; it may be damaged. Please save or scan it again.")
        ) from None
    return out.getvalue()
