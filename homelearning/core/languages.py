"""The languages parents' pages come in (issue 16), and which one a request or a carer gets.

Staff pages stay in English. A carer's pages, emails and packs are in the carer's preferred language
(set by the office, chosen by the carer, or from the MIS's home language); before signing in, the
language chosen on the sign-in page (a cookie) or the browser's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from homelearning.people.models import Carer

ENGLISH = "en-gb"


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The language's own name for itself ("Polski"), as the chooser shows it."""
    return dict(settings.LANGUAGES).get(code, code)


def supported(code: str) -> str:
    """`code` if Home Learning has it, else English."""
    return code if code in language_codes() else ENGLISH


def carer_language(carers: Iterable[Carer]) -> str:
    """The first preference any of a person's carer records hold (one per school), or ""."""
    for carer in carers:
        if carer.preferred_language:
            return supported(carer.preferred_language)
    return ""


@contextmanager
def language_of(carer: Carer | None) -> Iterator[None]:
    """Render an email, text or pack for one carer: in their language, English when none is set."""
    with translation.override(carer_language([carer] if carer is not None else []) or ENGLISH):
        yield


# The MIS's "home language" or "first language", as SIMS, Arbor and Bromcom export it: the DfE's language
# codes (POL, URD, PNJG…: the first three letters name the language), an English name, or the language's
# own name. A language Home Learning does not ship is not an error: the carer reads English until one is
# chosen.
_MIS_CODES = {
    "ENG": ENGLISH,
    "POL": "pl",
    "RMN": "ro",
    "URD": "ur",
    "PNJ": "pa",
    "BNG": "bn",
    "ARA": "ar",
    "POR": "pt",
    "SOM": "so",
    "SPA": "es",
    "UKR": "uk",
}
_MIS_NAMES = {
    "english": ENGLISH,
    "polish": "pl",
    "romanian": "ro",
    "urdu": "ur",
    "punjabi": "pa",
    "panjabi": "pa",
    "bengali": "bn",
    "bangla": "bn",
    "arabic": "ar",
    "portuguese": "pt",
    "somali": "so",
    "spanish": "es",
    "ukrainian": "uk",
}


def language_from_mis(text: str) -> str:
    """A Home Learning language code for an MIS's home-language value, or "" when it is not one we ship."""
    value = " ".join((text or "").split())
    if not value:
        return ""
    if value in language_codes():
        return value
    lowered = value.lower()
    for code, name in settings.LANGUAGES:
        if lowered == name.lower():
            return code
    if lowered.split(" (")[0] in _MIS_NAMES:
        return _MIS_NAMES[lowered.split(" (")[0]]
    if value.isalpha() and value.isupper() and 3 <= len(value) <= 4:
        return _MIS_CODES.get(value[:3], "")
    return ""
