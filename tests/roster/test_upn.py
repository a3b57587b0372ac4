"""The DfE UPN check letter, shared by seed_demo and the import."""

from __future__ import annotations

import pytest

from homelearning.people.upn import upn_check_letter, validate_upn


def test_the_check_letter_follows_the_dfe_weights() -> None:
    # 1*2 + 2*3 + ... + 2*13 = 368; 368 mod 23 = 0 -> A.
    assert upn_check_letter("123456789012") == "A"
    assert validate_upn("A123456789012") is None


def test_a_temporary_upn_ending_in_a_letter_is_checked_too() -> None:
    body = "99920012500A"
    upn = upn_check_letter(body) + body
    assert validate_upn(upn) is None


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("B123456789012", "wrong check letter: the DfE check gives A, not B"),
        ("A12345678901", "is not a UPN"),
        ("1123456789012", "is not a UPN"),
        ("a123456789012", "is not a UPN"),
        ("A12345678901I", "cannot end in I, O or S"),
    ],
)
def test_bad_upns_say_what_is_wrong(upn: str, message: str) -> None:
    error = validate_upn(upn)
    assert error is not None and message in error


def test_seed_demo_uses_the_shared_function() -> None:
    from homelearning.people.management.commands import seed_demo

    assert seed_demo.upn_check_letter is upn_check_letter
