"""The DfE UPN check letter, shared by seed_demo and the import."""

from __future__ import annotations

import pytest

from homelearning.people.upn import upn_check_letter, validate_upn


def test_the_check_letter_follows_the_dfe_weights() -> None:
    # 1*2 + 2*3 + ... + 2*13 = 368; 368 mod 23 = 0 -> A.
    assert upn_check_letter("123456789012") == "A"
    # West Sussex (938), establishment 2001, allocated in 2025, pupil 1.
    assert upn_check_letter("938200125001") == "X"
    assert validate_upn("X938200125001") is None


def test_a_temporary_upn_ending_in_a_letter_is_checked_too() -> None:
    body = "93820012500A"
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


@pytest.mark.parametrize("la", ["000", "100", "123", "699", "999"])
def test_a_upn_whose_local_authority_number_no_authority_has_is_refused(la: str) -> None:
    body = la + "200125001"
    error = validate_upn(upn_check_letter(body) + body)
    assert error is not None
    assert f"characters 2 to 4 ({la})" in error
    assert "no authority has that number" in error


@pytest.mark.parametrize(
    ("la", "name"),
    [
        ("201", "City of London"),
        ("420", "Isles of Scilly"),
        ("938", "West Sussex"),
        ("943", "Westmorland and Furness"),
        ("909", "Cumbria"),  # reorganised in 2023: its UPNs are still in use
        ("928", "Northamptonshire"),
        ("681", "Cardiff"),  # Welsh UPNs follow pupils to England
    ],
)
def test_every_authoritys_number_is_accepted(la: str, name: str) -> None:
    from homelearning.people.upn import la_numbers

    assert la_numbers()[la] == name
    body = la + "200125001"
    assert validate_upn(upn_check_letter(body) + body) is None


def test_the_demos_invented_authority_is_accepted_only_in_the_demo(settings) -> None:  # type: ignore[no-untyped-def]
    body = settings.UPN_DEMO_LA_NUMBER + "200125001"
    upn = upn_check_letter(body) + body
    settings.DEMO_MODE = False
    assert validate_upn(upn) is not None
    settings.DEMO_MODE = True
    assert validate_upn(upn) is None


def test_the_list_holds_every_english_authority_once() -> None:
    import csv

    from homelearning.people.upn import LA_NUMBERS_FILE

    with LA_NUMBERS_FILE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    numbers = [r["number"] for r in rows]
    assert len(numbers) == len(set(numbers))
    assert all(len(n) == 3 and n.isdigit() for n in numbers)
    # 153 English authorities today (after the 2023 reorganisations), plus the closed ones.
    assert sum(1 for r in rows if r["country"] == "England" and not r["closed"]) == 153


def test_seed_demo_uses_the_shared_function() -> None:
    from homelearning.people.management.commands import seed_demo

    assert seed_demo.upn_check_letter is upn_check_letter
