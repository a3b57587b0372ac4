"""Engagement for each child learning at home, computed in the database (issue 18).

For every (pupil, school day) the register marks as remote education, one query asks the database which
signals that day holds, each an EXISTS over rows the apps already write:

* opened: the day's plan was seen by a carer (`PlanOpening`);
* sent: work was sent for that day (or on it, when the work names no day);
* feedback_read: a carer opened work whose feedback was given (`Feedback.read_at`);
* live_attended / live_missed: a live session that day, joined or not joined once it ended;
* pack_collected / pack_returned / on_pack: a paper pack collected or returned that day, or one
  collected earlier that covers the day (a family working from paper has nothing to open);
* called: a call from school reached the family that day.

A day is engaged when any signal but `live_missed` and `called` is there. A call is how the school reaches a
family, not the family engaging; it tells "quiet" from "not reached". Python then only walks each child's
handful of days to count the trailing quiet ones. The status is for staff: parents never see it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from homelearning.core.calendar import SchoolCalendar
from homelearning.engagement.models import PlanOpening
from homelearning.engagement.services import settings_for
from homelearning.journal.models import CallRequest, Feedback, WorkItem
from homelearning.live.models import Invitation, LiveSession
from homelearning.packs.models import Pack
from homelearning.people.models import Pupil, School
from homelearning.provision.models import RegisterMark

ENGAGED = "engaged"
QUIET = "quiet"
NOT_REACHED = "not_reached"
STATUS_LABELS = {ENGAGED: "Engaged", QUIET: "Quiet", NOT_REACHED: "Not reached"}
# How far back a child's days are read: long enough for any quiet spell worth a call, short enough to be cheap.
LOOKBACK_DAYS = 42

POSITIVE = ("opened", "sent", "feedback_read", "live_attended", "pack_collected", "pack_returned", "on_pack")
SIGNALS = (*POSITIVE, "live_missed", "called")


@dataclass(frozen=True)
class DaySignals:
    date: datetime.date
    opened: bool = False
    sent: bool = False
    feedback_read: bool = False
    live_attended: bool = False
    live_missed: bool = False
    pack_collected: bool = False
    pack_returned: bool = False
    on_pack: bool = False
    called: bool = False

    @property
    def engaged(self) -> bool:
        return any(getattr(self, name) for name in POSITIVE)

    @property
    def reached(self) -> bool:
        return self.engaged or self.called


@dataclass(frozen=True)
class Engagement:
    pupil: Pupil
    status: str  # ENGAGED, QUIET or NOT_REACHED
    quiet_days: int  # school days in remote education, up to yesterday, since anything came from home
    last_engaged: datetime.date | None
    days: tuple[DaySignals, ...]
    open_call: CallRequest | None = None  # filled by `with_open_calls`

    @property
    def label(self) -> str:
        if self.status == ENGAGED:
            return STATUS_LABELS[ENGAGED]
        return f"{STATUS_LABELS[self.status]}: {self.quiet_days} school day{'s' if self.quiet_days != 1 else ''}"

    @property
    def is_quiet(self) -> bool:
        return self.status != ENGAGED

    @property
    def last_call(self) -> datetime.date | None:
        return max((d.date for d in self.days if d.called), default=None)


def status_for(days: Iterable[DaySignals], *, today: datetime.date, quiet_after: int) -> tuple[str, int]:
    """Pure: a child's status and quiet school days from their remote days (oldest first).

    Today counts only once something has come: the school day is not over. A child is quiet after
    `quiet_after` remote school days in a row with nothing from home; not reached when, in all the days
    read, nothing came and no call got through either.
    """
    days = list(days)
    today_row = next((d for d in days if d.date == today), None)
    quiet = 0
    if today_row is None or not today_row.engaged:
        for day in reversed([d for d in days if d.date < today]):
            if day.engaged:
                break
            quiet += 1
    if quiet < quiet_after:
        return ENGAGED, quiet
    if not any(d.reached for d in days):
        return NOT_REACHED, quiet
    return QUIET, quiet


def day_signals(marks: QuerySet[RegisterMark]) -> Any:
    """One row per (pupil, remote school day) in `marks`, with a boolean for each signal. One query."""
    pupil, day = OuterRef("pupil_id"), OuterRef("date")
    return (
        marks.order_by()
        .values("pupil_id", "date")
        .distinct()
        .annotate(
            opened=Exists(PlanOpening.objects.filter(pupil_id=pupil, day=day)),
            sent=Exists(
                WorkItem.objects.filter(pupil_id=pupil).filter(Q(day=day) | Q(day__isnull=True, created_at__date=day))
            ),
            feedback_read=Exists(Feedback.objects.filter(item__pupil_id=pupil, read_at__date=day)),
            live_attended=Exists(
                Invitation.objects.filter(pupil_id=pupil, admitted_at__isnull=False, session__starts_at__date=day)
            ),
            live_missed=Exists(
                Invitation.objects.filter(
                    pupil_id=pupil,
                    admitted_at__isnull=True,
                    session__status=LiveSession.Status.ENDED,
                    session__starts_at__date=day,
                ).exclude(status=Invitation.Status.HELD)
            ),
            pack_collected=Exists(Pack.objects.filter(pupil_id=pupil, collected_at__date=day)),
            pack_returned=Exists(Pack.objects.filter(pupil_id=pupil, returned_at__date=day)),
            on_pack=Exists(Pack.objects.filter(pupil_id=pupil, collected_at__date__lt=day, last_day__gte=day)),
            called=Exists(
                CallRequest.objects.filter(pupil_id=pupil, status=CallRequest.Status.DONE, called_at__date=day)
            ),
        )
        .order_by("pupil_id", "date")
    )


def _current_day(school: School, today: datetime.date) -> datetime.date:
    """Today, or on a weekend or holiday the last working day before it (whose quiet list still stands)."""
    calendar = SchoolCalendar.load(school, today - datetime.timedelta(days=21), today)
    day = today
    while day > today - datetime.timedelta(days=21):
        if calendar.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return today


def engagement_for(
    school: School,
    *,
    today: datetime.date,
    class_ids: Iterable[int] | None = None,
    pupil_ids: Iterable[int] | None = None,
    quiet_after: int | None = None,
) -> list[Engagement]:
    """Each child of `school` in remote education now (today, or the last working day), with their status.

    A fixed number of queries whatever the roll: the day rows, then (if anyone is at home) the setting, the
    calendar (two) and the pupils.
    Sorted with the children not reached first, then the quietest, then by name.
    """
    marks = RegisterMark.objects.filter(
        school=school, date__range=(today - datetime.timedelta(days=LOOKBACK_DAYS), today)
    )
    if class_ids is not None:
        marks = marks.filter(pupil__school_class_id__in=list(class_ids))
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    by_pupil: dict[int, list[DaySignals]] = defaultdict(list)
    for row in day_signals(marks):
        by_pupil[row["pupil_id"]].append(DaySignals(**{k: v for k, v in row.items() if k != "pupil_id"}))
    if not by_pupil:
        return []  # nobody learning at home: one query
    if quiet_after is None:
        quiet_after = settings_for(school).quiet_after_school_days
    current = _current_day(school, today)
    now_remote = [pk for pk, days in by_pupil.items() if days[-1].date >= current]
    pupils = Pupil.objects.filter(pk__in=now_remote, left_on__isnull=True).select_related("school_class")
    result = []
    for pupil in pupils:
        days = by_pupil[pupil.pk]
        status, quiet = status_for(days, today=today, quiet_after=quiet_after)
        last = max((d.date for d in days if d.engaged), default=None)
        result.append(Engagement(pupil=pupil, status=status, quiet_days=quiet, last_engaged=last, days=tuple(days)))
    order = {NOT_REACHED: 0, QUIET: 1, ENGAGED: 2}
    result.sort(key=lambda e: (order[e.status], -e.quiet_days, e.pupil.surname, e.pupil.first_name))
    return result


def quiet_children(school: School, *, today: datetime.date, class_ids: Iterable[int]) -> list[Engagement]:
    """The teacher's list: children in these classes quiet for N school days or more, with any open call."""
    return with_open_calls([e for e in engagement_for(school, today=today, class_ids=class_ids) if e.is_quiet])


def with_open_calls(rows: list[Engagement]) -> list[Engagement]:
    """The rows, each with the earliest open call for the child (so the list says one is asked for). One query."""
    if not rows:
        return rows
    found: dict[int, CallRequest] = {}
    for call in CallRequest.objects.filter(
        pupil_id__in=[r.pupil.pk for r in rows], status=CallRequest.Status.OPEN
    ).order_by("created_at", "pk"):
        found.setdefault(call.pupil_id, call)
    return [replace(r, open_call=found.get(r.pupil.pk)) for r in rows]
