"""A snow week for the test school: closed Monday 7 to Friday 11 December 2026, every child learning at home.

Tests travel to a moment in that week (`at`); nothing reads the real date.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from homelearning.provision.models import Closure
from tests.personas import World
from tests.provision.builders import ensure_absence_codes, school_terms, whole_school_closure

LONDON = ZoneInfo("Europe/London")
MON = datetime.date(2026, 12, 7)
TUE = MON + datetime.timedelta(days=1)
WED = MON + datetime.timedelta(days=2)
THU = MON + datetime.timedelta(days=3)
FRI = MON + datetime.timedelta(days=4)
SAT = MON + datetime.timedelta(days=5)
NEXT_MON = MON + datetime.timedelta(days=7)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def snow_week(world: World, last: datetime.date = FRI) -> Closure:
    ensure_absence_codes()
    school_terms(world)
    return whole_school_closure(world, first=MON, last=last)
