"""Date arithmetic of the retention schedule and the subject access deadline."""

from __future__ import annotations

import datetime

import pytest

from homelearning.privacy.schedule import academic_year_end, add_months, birthday, one_month_after

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 11, 2), D(2026, 12, 2)),
        (D(2026, 12, 15), D(2027, 1, 15)),
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), D(2028, 2, 29)),
    ],
)
def test_one_calendar_month(received: datetime.date, due: datetime.date) -> None:
    assert one_month_after(received) == due


def test_add_months_backwards_across_years() -> None:
    assert add_months(D(2026, 3, 31), -13) == D(2025, 2, 28)
    assert add_months(D(2026, 11, 2), -72) == D(2020, 11, 2)


@pytest.mark.parametrize(
    ("day", "end"),
    [(D(2026, 9, 1), D(2027, 8, 31)), (D(2027, 8, 31), D(2027, 8, 31)), (D(2027, 1, 10), D(2027, 8, 31))],
)
def test_academic_year_end(day: datetime.date, end: datetime.date) -> None:
    assert academic_year_end(day) == end


def test_a_leap_day_birthday() -> None:
    assert birthday(D(2004, 2, 29), 25) == D(2029, 3, 1)
    assert birthday(D(2004, 2, 29), 24) == D(2028, 2, 29)
    assert birthday(D(2020, 3, 4), 25) == D(2045, 3, 4)
