"""The school calendar: is a date a school day, and which are the next school days?

A school day is a weekday inside one of the school's terms that is neither an
England and Wales bank holiday nor one of the school's INSET days or planned
closures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import holidays

from homelearning.core.models import NonSchoolDay, Term
from homelearning.people.models import School

# Never look further than this for "the next N school days": a summer holiday is
# six weeks, so a year covers any real calendar and stops a runaway loop when no
# terms have been entered.
_HORIZON_DAYS = 366


@lru_cache(maxsize=16)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def bank_holiday_name(day: datetime.date) -> str | None:
    return _bank_holidays(day.year).get(day)


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's calendar for a range of dates, loaded in two queries."""

    terms: tuple[tuple[datetime.date, datetime.date], ...]
    closed: frozenset[datetime.date]

    @classmethod
    def load(cls, school: School, start: datetime.date, end: datetime.date) -> SchoolCalendar:
        terms = tuple(
            Term.objects.filter(school=school, last_day__gte=start, first_day__lte=end)
            .order_by("first_day")
            .values_list("first_day", "last_day")
        )
        closed = frozenset(
            NonSchoolDay.objects.filter(school=school, date__range=(start, end)).values_list("date", flat=True)
        )
        return cls(terms=terms, closed=closed)

    def is_school_day(self, day: datetime.date) -> bool:
        if day.weekday() >= 5 or day in self.closed or bank_holiday_name(day):
            return False
        return any(first <= day <= last for first, last in self.terms)

    def is_working_day(self, day: datetime.date) -> bool:
        """A school day where a term entered covers the day; elsewhere any weekday that is not a bank holiday,
        so a school that has not entered its terms that far still gets weekday dates (contacts due)."""
        if any(first <= day <= last for first, last in self.terms):
            return self.is_school_day(day)
        return day.weekday() < 5 and not bank_holiday_name(day)

    def days_between(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """Every school day from start to end, both included (within the loaded range)."""
        return [d for d in _days(start, end) if self.is_school_day(d)]

    def school_days_from(
        self, start: datetime.date, count: int, *, end: datetime.date, weekdays_without_terms: bool = False
    ) -> list[datetime.date]:
        """The first `count` school days from `start` to `end` (both included; fewer if there are not enough).

        `weekdays_without_terms`: where the calendar runs out (no terms entered that far), weekdays stand
        in, so a deadline is still given rather than none (paper packs).
        """
        found: list[datetime.date] = []
        for day in _days(start, end):
            if len(found) == count:
                break
            if self.is_school_day(day):
                found.append(day)
        if len(found) < count and weekdays_without_terms:
            return [d for d in _days(start, end) if d.weekday() < 5][:count]
        return found


def is_school_day(school: School, day: datetime.date) -> bool:
    return SchoolCalendar.load(school, day, day).is_school_day(day)


def school_days_between(school: School, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every school day from start to end, both included."""
    if end < start:
        return []
    return SchoolCalendar.load(school, start, end).days_between(start, end)


def next_school_days(
    school: School, start: datetime.date, count: int, *, weekdays_without_terms: bool = False
) -> list[datetime.date]:
    """The first `count` school days on or after `start` (fewer if the calendar runs out; see
    `SchoolCalendar.school_days_from` for `weekdays_without_terms`)."""
    if count <= 0:
        return []
    end = start + datetime.timedelta(days=_HORIZON_DAYS)
    calendar = SchoolCalendar.load(school, start, end)
    return calendar.school_days_from(start, count, end=end, weekdays_without_terms=weekdays_without_terms)


def working_days_around(
    school: School, day: datetime.date, *, before: int, after: int
) -> tuple[list[datetime.date], list[datetime.date]]:
    """Up to `before` school days before `day` and `after` from it on (itself included if it is one), for day
    links: from a weekend or a holiday they lead to the school days around it. Where the school has entered no
    term near the day, weekdays that are not bank holidays stand in, so a link always leads somewhere."""
    start, end = day - datetime.timedelta(days=31), day + datetime.timedelta(days=62)
    calendar = SchoolCalendar.load(school, start, end)
    counts = calendar.is_school_day if calendar.terms else calendar.is_working_day
    earlier = [d for d in _days(start, day - datetime.timedelta(days=1)) if counts(d)]
    later = [d for d in _days(day, end) if counts(d)]
    return earlier[-before:] if before else [], later[:after]


def _days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)
