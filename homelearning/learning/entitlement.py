"""The entitlement report: for pupils in remote education, did each school day offer the policy's minutes?

Remote-education days come from the register (provision); planned minutes from the class plans with each
pupil's bespoke changes (learning). A day met the entitlement when the pupil was offered at least the
policy's daily minutes; a day over it is counted too, since the policy says "up to".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from homelearning.learning.selectors import planned_minutes
from homelearning.people.models import Pupil, School, SchoolClass
from homelearning.provision.selectors import remote_days


@dataclass
class Tally:
    remote_days: int = 0
    met: int = 0
    under: int = 0
    over: int = 0

    def add(self, minutes: int, target: int) -> None:
        self.remote_days += 1
        if minutes >= target:
            self.met += 1
        else:
            self.under += 1
        if minutes > target:
            self.over += 1

    @property
    def share_met(self) -> int | None:
        """Whole per cent of remote days that met the entitlement, or None with no remote days."""
        if not self.remote_days:
            return None
        return round(100 * self.met / self.remote_days)


@dataclass
class PupilLine:
    pupil: Pupil
    tally: Tally
    short_days: list[tuple[datetime.date, int]] = field(default_factory=list)


@dataclass
class ClassLine:
    school_class: SchoolClass
    tally: Tally


@dataclass
class EntitlementReport:
    start: datetime.date
    end: datetime.date
    target: int
    classes: list[ClassLine]
    pupils: list[PupilLine]
    school: Tally


def entitlement_report(*, school: School, start: datetime.date, end: datetime.date, target: int) -> EntitlementReport:
    """Five queries for any number of pupils and days."""
    days_by_pupil = remote_days(school=school, start=start, end=end)
    pupils = list(
        Pupil.objects.filter(school=school, pk__in=list(days_by_pupil))
        .select_related("school_class__year_group")
        .order_by("school_class__year_group__position", "school_class__name", "surname", "legal_first_name")
    )
    minutes = planned_minutes(pupils=pupils, start=start, end=end)
    by_class: dict[int, ClassLine] = {}
    school_tally = Tally()
    lines = []
    for pupil in pupils:
        tally = Tally()
        line = PupilLine(pupil=pupil, tally=tally)
        class_line = by_class.setdefault(
            pupil.school_class_id, ClassLine(school_class=pupil.school_class, tally=Tally())
        )
        for day in sorted(days_by_pupil[pupil.pk]):
            offered = minutes[pupil.pk].get(day, 0)
            for t in (tally, class_line.tally, school_tally):
                t.add(offered, target)
            if offered < target:
                line.short_days.append((day, offered))
        lines.append(line)
    return EntitlementReport(
        start=start, end=end, target=target, classes=list(by_class.values()), pupils=lines, school=school_tally
    )
