"""The retention schedule's defaults and limits, and the date arithmetic it needs.

Each record type counts its period in one unit from one moment (the rule's `basis`). The defaults are
the issue's (and the law's where one applies); the minimums are legal floors the headteacher cannot go
below.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from homelearning.privacy.models import RecordType


@dataclass(frozen=True)
class RuleSpec:
    record_type: str
    default: int
    minimum: int
    maximum: int
    unit: str  # "years", "months", "age" or "academic years"
    basis: str  # what the period counts from, in words for the schedule page
    action: str  # "deleted" or "anonymised"
    minimum_reason: str = ""


SPECS: dict[str, RuleSpec] = {
    RecordType.REGISTER: RuleSpec(
        RecordType.REGISTER,
        default=6,
        minimum=6,
        maximum=25,
        unit="years",
        basis="after the date of the mark",
        action="deleted",
        minimum_reason=(
            "The School Attendance (Pupil Registration) (England) Regulations 2024 require the register "
            "to be kept for 6 years."
        ),
    ),
    RecordType.SAFEGUARDING: RuleSpec(
        RecordType.SAFEGUARDING,
        default=25,
        minimum=25,
        maximum=100,
        unit="age",
        basis="until the child's birthday at this age",
        action="deleted",
        minimum_reason="Safeguarding records are kept at least until the child's 25th birthday.",
    ),
    RecordType.WORK: RuleSpec(
        RecordType.WORK,
        default=1,
        minimum=0,
        maximum=10,
        unit="academic years",
        basis="after the end of the academic year the work was sent in (1 = the end of the next academic year)",
        action="deleted",
    ),
    RecordType.LIVE_REGISTERS: RuleSpec(
        RecordType.LIVE_REGISTERS,
        default=12,
        minimum=1,
        maximum=120,
        unit="months",
        basis="after the session",
        action="deleted",
    ),
    RecordType.CALL_LOGS: RuleSpec(
        RecordType.CALL_LOGS,
        default=12,
        minimum=1,
        maximum=120,
        unit="months",
        basis="after the call was made",
        action="deleted",
    ),
    RecordType.EMAILS: RuleSpec(
        RecordType.EMAILS,
        default=12,
        minimum=1,
        maximum=120,
        unit="months",
        basis="after the email was queued",
        action="deleted",
    ),
    RecordType.PUPIL_LEAVERS: RuleSpec(
        RecordType.PUPIL_LEAVERS,
        default=6,
        minimum=6,
        maximum=25,
        unit="years",
        basis="after the pupil left (never while safeguarding records about them are kept)",
        action="anonymised",
        minimum_reason="A leaver's name stays with the attendance register, which is kept for 6 years.",
    ),
    RecordType.CARER_LEAVERS: RuleSpec(
        RecordType.CARER_LEAVERS,
        default=12,
        minimum=1,
        maximum=120,
        unit="months",
        basis="after their last child at the school left",
        action="anonymised",
    ),
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def one_month_after(day: datetime.date) -> datetime.date:
    """The UK GDPR deadline for a subject access request: the corresponding day of the next month."""
    return add_months(day, 1)


def academic_year_end(day: datetime.date) -> datetime.date:
    """31 August of the academic year (September to August) that `day` falls in."""
    return datetime.date(day.year if day.month < 9 else day.year + 1, 8, 31)


def birthday(born: datetime.date, age: int) -> datetime.date:
    year = born.year + age
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 3, 1)
    return born.replace(year=year)
