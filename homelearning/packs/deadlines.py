"""When a pack is due, and when it should come back: the policy's rules on the school calendar."""

from __future__ import annotations

import datetime

from django.utils import timezone

from homelearning.core.calendar import next_school_days
from homelearning.people.models import School


def _school_days(school: School, start: datetime.date, count: int) -> list[datetime.date]:
    """The school calendar's next school days; with no terms entered, weekdays stand in, so a school that
    has not set up its calendar still gets a deadline rather than an error."""
    return next_school_days(school, start, count, weekdays_without_terms=True)


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
    on_time = end_of(_school_days(school, first_day, due_school_days)[-1], day_ends)
    if requested_at <= on_time:
        return on_time
    asked_on = timezone.localtime(requested_at).date()
    return end_of(_school_days(school, asked_on + datetime.timedelta(days=1), 1)[0], day_ends)


def earliest_return(*, first_day: datetime.date, last_day: datetime.date, after_days: int) -> datetime.date:
    """Packs come back weekly: no sooner than `after_days` after the first day, and after the last."""
    return max(first_day + datetime.timedelta(days=after_days), last_day + datetime.timedelta(days=1))


def return_date(*, school: School, first_day: datetime.date, last_day: datetime.date, after_days: int) -> datetime.date:
    """The first school day on or after `earliest_return`."""
    return _school_days(school, earliest_return(first_day=first_day, last_day=last_day, after_days=after_days), 1)[0]
