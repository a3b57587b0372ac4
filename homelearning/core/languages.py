"""The languages parents' pages come in (issue 16), and which one a request or a carer gets.

Staff pages stay in English. A carer's pages, emails and packs are in the carer's preferred language
(set by the office, chosen by the carer, or from the MIS's home language); before signing in, the
language chosen on the sign-in page (a cookie) or the browser's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

ENGLISH = "en-gb"


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The language's own name for itself ("Polski"), as the chooser shows it."""
    return dict(settings.LANGUAGES).get(code, code)


def is_rtl(code: str) -> bool:
    return code.split("-")[0] in settings.LANGUAGES_BIDI


def supported(code: str) -> str:
    """`code` if Home Learning has it, else English."""
    return code if code in language_codes() else ENGLISH


def carer_language(carers: Iterable[object]) -> str:
    """The first preference any of a person's carer records hold (one per school), or ""."""
    for carer in carers:
        code = getattr(carer, "preferred_language", "")
        if code:
            return supported(code)
    return ""


@contextmanager
def language_of(carer: object | None) -> Iterator[str]:
    """Render an email, text or pack for one carer: in their language, English when none is set."""
    code = carer_language([carer]) if carer is not None else ""
    with translation.override(code or ENGLISH):
        yield code or ENGLISH
