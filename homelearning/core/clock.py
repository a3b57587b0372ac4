"""The one clock: every piece of code that decides "now" or "today" asks here.

Today is the school's local date (settings.TIME_ZONE, Europe/London), never the server's or UTC's,
so that a parent opening the today page at 00:30 in British Summer Time sees that day's plan. Tests
move this clock with time-machine (a frozen test, or the whole session with `TEST_TODAY`, see
tests/travel.py); nothing here needs to know about them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date at the school."""
    return timezone.localdate()


def local(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in the school's time zone."""
    return timezone.localtime(moment)
