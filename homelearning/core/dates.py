"""Dates from outside (a URL, a form, a query string) are accepted only inside a sane window.

Far dates are never a real school day, and the day arithmetic around them overflows (9999-12-31 plus one
day is not a date): one window, from ten years before today to five years after, for every URL and form.
A date outside it is "no such page" (404) in a URL and a clear message in a form.
"""

from __future__ import annotations

import datetime

from django import forms
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext

from homelearning.core import clock

PAST_YEARS = 10
FUTURE_YEARS = 5


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def window() -> tuple[datetime.date, datetime.date]:
    today = clock.today()
    return _years_from(today, -PAST_YEARS), _years_from(today, FUTURE_YEARS)


def in_window(day: datetime.date) -> bool:
    first, last = window()
    return first <= day <= last


def day_from(value: str | datetime.date) -> datetime.date:
    """A YYYY-MM-DD date inside the window, else 404 (for a URL or a query string)."""
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise Http404("No such day.") from None
    if not in_window(day):
        raise Http404("No such day.")
    return day


class DayConverter:
    """`<day:day>` in a URL: a real date inside the window (anything else does not match: 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        day = datetime.date.fromisoformat(value)  # ValueError (2026-02-30): no match
        if not in_window(day):
            raise ValueError(f"{value} is outside the dates Home Learning accepts")
        return day

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(DayConverter, "day")


class DayField(forms.DateField):
    """A form's date, refused with a message outside the window."""

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and not in_window(value):
            first, last = window()
            raise forms.ValidationError(
                gettext("Choose a date between %(first)s and %(last)s.")
                % {"first": f"{first:%-d %B %Y}", "last": f"{last:%-d %B %Y}"},
                code="out_of_range",
            )
