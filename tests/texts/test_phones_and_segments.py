"""UK mobile numbers (phonenumbers) and what a text costs in segments."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homelearning.texts.phones import mobile_or_none, shown, uk_mobile
from homelearning.texts.segments import segments


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900123", "+447700900123"),  # Ofcom's drama range: the right shape, reaches nobody
        ("+44 7700 900123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("07911 123456", "+447911123456"),
        ("(07911) 123-456", "+447911123456"),
    ],
)
def test_uk_mobiles_are_kept_as_e164(raw: str, e164: str) -> None:
    assert uk_mobile(raw) == e164 and mobile_or_none(raw) == e164


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a mobile number."),
        ("not a number", "Enter a UK mobile number, like 07700 900123."),
        ("0791112345", "Enter a UK mobile number, like 07700 900123."),  # a digit short
        ("+33 6 12 34 56 78", "Enter a UK mobile number, like 07700 900123."),  # French
        ("020 7946 0123", "That is a landline number: texts need a mobile number (07…)."),
    ],
)
def test_bad_numbers_are_refused_with_a_message(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        uk_mobile(raw)
    assert caught.value.messages == [message]
    assert mobile_or_none(raw) is None


def test_numbers_are_shown_as_people_write_them() -> None:
    assert shown("+447700900123") == "07700 900123"
    assert shown("+33612345678") == "+33612345678"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # two septets each: 160
        ("€" * 81, 2),
        ("ż" * 70, 1),  # Polish: UCS-2
        ("ż" * 71, 2),
        ("ż" * 134, 2),
        ("ż" * 135, 3),
        ("😀" * 35, 1),  # two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_segments_follow_gsm7_and_ucs2(text: str, count: int) -> None:
    assert segments(text) == count
