"""The DfE Unique Pupil Number: its check letter and its validation."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.conf import settings

# The DfE's check-letter alphabet: 23 letters, without I, O and S.
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


# The DfE local-authority numbers a UPN's characters 2-4 can hold, held as data: every English authority
# (the DfE's list), the numbers of authorities since reorganised (a UPN keeps the number it was given,
# so a pupil's UPN from Cumbria in 2020 still says 909), and the Welsh authorities, whose UPNs follow
# pupils who move to England. To follow a reorganisation, add a row to the file.
LA_NUMBERS_FILE = Path(__file__).resolve().parent / "data" / "la_numbers.csv"


@cache
def la_numbers() -> dict[str, str]:
    """Every local-authority number a UPN may carry, with the authority's name."""
    with LA_NUMBERS_FILE.open(newline="", encoding="utf-8") as f:
        return {row["number"]: row["name"] for row in csv.DictReader(f)}


def upn_check_letter(body: str) -> str:
    """The DfE check letter for the twelve characters after it: weights 2..13, modulo 23.

    A temporary UPN ends in a letter, which counts as its place in the check-letter alphabet.
    """
    total = 0
    for weight, ch in enumerate(body, start=2):
        value = int(ch) if ch.isdigit() else UPN_CHECK_LETTERS.index(ch)
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def validate_upn(upn: str) -> str | None:
    """None for a well-formed UPN with the right check letter, else what is wrong, for the user."""
    if not _UPN_SHAPE.match(upn):
        return f"{upn!r} is not a UPN: a UPN is a letter, eleven digits and a digit or letter."
    last = upn[-1]
    if last.isalpha() and last not in UPN_CHECK_LETTERS:
        return f"{upn!r} is not a UPN: a temporary UPN cannot end in I, O or S."
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        return f"{upn!r} has the wrong check letter: the DfE check gives {expected}, not {upn[0]}."
    if upn[1:4] not in la_numbers() and not (settings.DEMO_MODE and upn[1:4] == settings.UPN_DEMO_LA_NUMBER):
        return (
            f"{upn!r} is not a UPN: its characters 2 to 4 ({upn[1:4]}) should be the DfE number of the local "
            "authority that gave it, and no authority has that number. Check the UPN in your MIS."
        )
    return None
