"""The DfE Unique Pupil Number: its check letter and its validation."""

from __future__ import annotations

import re

# The DfE's check-letter alphabet: 23 letters, without I, O and S.
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


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
    return None
