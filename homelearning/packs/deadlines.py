"""When a pack is due, and when it should come back: the policy's rules on the school calendar."""

from __future__ import annotations

import datetime

from django.utils import timezone

from homelearning.core.calendar import SchoolCalendar
from homelearning.people.models import School

# Far enough for any holiday; the calendar is loaded once for the whole window.
_HORIZON = datetime.timedelta(days=120)


def _school_days_from(calendar: SchoolCalendar, start: datetime.date, count: int) -> list[datetime.date]:
    """The first `count` school days on or after `start`. With no terms entered, weekdays stand in,
    so a school that has not set up its calendar still gets a deadline rather than an error."""
    found: list[datetime.date] = []
    day = start
    end = start + _HORIZON
    while day <= end and len(found) < count:
        if calendar.is_school_day(day):
            found.append(day)
        day += datetime.timedelta(days=1)
    if len(found) == count:
        return found
    day = start
    found = []
    while len(found) < count:
        if day.weekday() < 5:
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


def end_of(day: datetime.date, ends: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, ends, tzinfo=timezone.get_current_timezone())


def pack_due_at(
    *,
    school: School,
    first_day: datetime.date,
    requested_at: datetime.datetime,
    day_ends: datetime.time,
    due_school_days: int = 1,
) -> datetime.datetime:
    """Due by the end of the first school day of absence (the `due_school_days`-th, 1 by default).
    A request made after that is due by the end of the next school day after the request."""
    calendar = SchoolCalendar.load(school, min(first_day, requested_at.date()), first_day + _HORIZON)
    on_time = end_of(_school_days_from(calendar, first_day, due_school_days)[-1], day_ends)
    if requested_at <= on_time:
        return on_time
    asked_on = timezone.localtime(requested_at).date()
    calendar = SchoolCalendar.load(school, asked_on, asked_on + _HORIZON)
    return end_of(_school_days_from(calendar, asked_on + datetime.timedelta(days=1), 1)[0], day_ends)


def return_date(*, school: School, first_day: datetime.date, last_day: datetime.date, after_days: int) -> datetime.date:
    """Packs come back weekly: the first school day `after_days` after the first day, and after the last."""
    earliest = max(first_day + datetime.timedelta(days=after_days), last_day + datetime.timedelta(days=1))
    calendar = SchoolCalendar.load(school, earliest, earliest + _HORIZON)
    return _school_days_from(calendar, earliest, 1)[0]
