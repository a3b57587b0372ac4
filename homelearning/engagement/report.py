"""The termly remote-education report for governors and the local authority (issue 18, step 3).

One school or a trust's schools, over a date range: remote-education days by reason and absence code, the
learning offered against the daily entitlement, engagement by class, paper packs, live sessions and their
safeguards, weekly contacts with vulnerable pupils, safeguarding concerns (counts only), and pupils with SEND.

`build()` reads everything in a fixed number of queries whatever the number of schools, pupils or days
(`tests/engagement/test_report.py` pins it). It returns raw figures; `present()` turns them into the tables
the HTML page, the PDF and the CSV all print, so the three can never disagree. For governors every count from
1 to 4 is shown as "<5", and a rate is withheld when it rests on such a count, so that no child can be
identified. Nothing in the report names a child.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from homelearning.core import clock
from homelearning.engagement.selectors import POSITIVE, day_signals
from homelearning.learning.models import Activity
from homelearning.learning.selectors import planned_minutes
from homelearning.live.models import LiveSession
from homelearning.packs.models import Pack
from homelearning.people.models import PolicyVersion, Pupil, School, SchoolClass
from homelearning.provision.models import MARK_REASONS, RegisterMark
from homelearning.safeguarding.models import Concern, Contact, VulnerablePupil

SMALL = 5  # counts below this (but above 0) are suppressed for governors
SUPPRESSED = "<5"
WITHHELD = "withheld"  # a rate or average resting on a suppressed count
GOVERNORS = "governors"
SCHOOL = "school"


# --- Raw figures ---------------------------------------------------------------------------------------


@dataclass
class ReasonLine:
    reason: str  # the label of the register's reason
    code: str
    pupils: int = 0
    sessions: int = 0
    days: int = 0  # pupil-days


@dataclass
class ClassLine:
    school: str
    school_class: str
    pupils: int = 0
    pupil_days: int = 0
    engaged_days: int = 0
    opened_days: int = 0
    work_days: int = 0
    entitlement_met: int = 0
    minutes_offered: int = 0


@dataclass
class Packs:
    requested: int = 0
    on_time: int = 0
    late: int = 0
    collected: int = 0
    returned: int = 0


@dataclass
class Live:
    held: int = 0
    children: int = 0
    largest: int = 0
    within_children: int = 0
    within_minutes: int = 0
    second_adult: int = 0
    incidents: int = 0


@dataclass
class Vulnerable:
    pupils: int = 0
    due: int = 0
    made_teacher: int = 0
    made_dsl: int = 0

    @property
    def made(self) -> int:
        return self.made_teacher + self.made_dsl


@dataclass
class Concerns:
    raised: int = 0
    acknowledged: int = 0
    waiting: int = 0
    median_hours: float | None = None


@dataclass
class Send:
    pupils: int = 0
    pupil_days: int = 0
    with_bespoke: int = 0
    entitlement_met: int = 0
    engaged_days: int = 0


@dataclass
class Figures:
    schools: list[School]
    start: datetime.date
    end: datetime.date
    target_minutes: dict[int, int]  # school id -> the policy's daily minutes
    reasons: list[ReasonLine] = field(default_factory=list)
    classes: list[ClassLine] = field(default_factory=list)
    packs: Packs = field(default_factory=Packs)
    live: Live = field(default_factory=Live)
    vulnerable: Vulnerable = field(default_factory=Vulnerable)
    concerns: Concerns = field(default_factory=Concerns)
    send: Send = field(default_factory=Send)

    @property
    def pupil_days(self) -> int:
        return sum(c.pupil_days for c in self.classes)


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def build(schools: Sequence[School], *, start: datetime.date, end: datetime.date) -> Figures:
    """Every figure of the report, raw. A fixed number of queries (twelve) for any size of trust."""
    school_ids = [s.pk for s in schools]
    since, until = _bounds(start, end)
    policies = {
        p.school_id: p for p in PolicyVersion.objects.filter(school_id__in=school_ids, in_force=True)
    }  # 1 query
    figures = Figures(
        schools=list(schools),
        start=start,
        end=end,
        target_minutes={pk: p.daily_learning_minutes for pk, p in policies.items()},
    )
    marks = RegisterMark.objects.filter(school_id__in=school_ids, date__range=(start, end))

    # Remote education by reason and code: sessions, pupils and pupil-days counted by the database (1 query).
    pupil_day = Concat(Cast("pupil_id", CharField()), Value(":"), Cast("date", CharField()))
    for row in (
        marks.order_by()
        .values("reason", "absence_code_id")
        .annotate(sessions=Count("id"), pupils=Count("pupil_id", distinct=True), days=Count(pupil_day, distinct=True))
        .order_by("reason", "absence_code_id")
    ):
        figures.reasons.append(
            ReasonLine(
                reason=str(MARK_REASONS.get(row["reason"], row["reason"])),
                code=row["absence_code_id"],
                pupils=row["pupils"],
                sessions=row["sessions"],
                days=row["days"],
            )
        )

    # Each pupil-day with its signals (1 query), the pupils (1), their planned minutes (3).
    signals = list(day_signals(marks))
    # The pupils as plain values (1 query) and the schools' classes (1 query): building 20,000 model instances
    # with their class, year group and school cost more than all the SQL (bench/report_bench.py).
    remote_pupils = marks.order_by().values("pupil_id")
    pupils: dict[int, tuple[int, int, str]] = {
        pk: (school_id, class_id, send)
        for pk, school_id, class_id, send in Pupil.objects.filter(pk__in=remote_pupils).values_list(
            "pk", "school_id", "school_class_id", "send_status"
        )
    }
    classes = {
        pk: (school_name, position, name)
        for pk, school_name, position, name in SchoolClass.objects.filter(school_id__in=school_ids).values_list(
            "pk", "school__name", "year_group__position", "name"
        )
    }
    refs = [_PupilRef(pk=pk, school_class_id=class_id) for pk, (_s, class_id, _send) in pupils.items()]
    minutes = planned_minutes(pupils=cast("list[Pupil]", refs), start=start, end=end)
    bespoke = set(
        Activity.objects.filter(
            pupil__isnull=False, plan__school_class__school_id__in=school_ids, plan__date__range=(start, end)
        ).values_list("pupil_id", flat=True)
    )  # 1 query
    by_class: dict[int, ClassLine] = {}
    class_pupils: dict[int, set[int]] = defaultdict(set)
    send_pupils: set[int] = set()
    for row in signals:
        pupil_id = row["pupil_id"]
        school_id, class_id, send = pupils[pupil_id]
        school_name, _position, class_name = classes[class_id]
        cline = by_class.setdefault(class_id, ClassLine(school=school_name, school_class=class_name))
        class_pupils[class_id].add(pupil_id)
        engaged = any(row[name] for name in POSITIVE)
        offered = minutes[pupil_id].get(row["date"], 0)
        met = offered >= figures.target_minutes.get(school_id, 180)
        cline.pupil_days += 1
        cline.engaged_days += engaged
        cline.opened_days += bool(row["opened"])
        cline.work_days += bool(row["sent"])
        cline.entitlement_met += met
        cline.minutes_offered += offered
        if send != Pupil.Send.NONE:
            send_pupils.add(pupil_id)
            figures.send.pupil_days += 1
            figures.send.entitlement_met += met
            figures.send.engaged_days += engaged
    for pk, cline in by_class.items():
        cline.pupils = len(class_pupils[pk])
    figures.classes = [by_class[pk] for pk in sorted(by_class, key=lambda pk: classes[pk])]
    figures.send.pupils = len(send_pupils)
    figures.send.with_bespoke = len(send_pupils & bespoke)

    # Paper packs requested in the range (1 query, counted by the database).
    packs = Pack.objects.filter(school_id__in=school_ids, requested_at__gte=since, requested_at__lt=until).exclude(
        status=Pack.Status.CANCELLED
    )
    overdue_by = min(until, clock.now())
    counts = packs.aggregate(
        requested=Count("id"),
        on_time=Count("id", filter=Q(ready_at__isnull=False, ready_at__lte=F("due_at"))),
        late=Count("id", filter=Q(ready_at__gt=F("due_at")) | Q(ready_at__isnull=True, due_at__lt=overdue_by)),
        collected=Count("id", filter=Q(collected_at__isnull=False)),
        returned=Count("id", filter=Q(returned_at__isnull=False)),
    )
    figures.packs = Packs(**counts)

    # Live sessions held (1 query: a row a session, with its children and incidents counted).
    for session in (
        LiveSession.objects.filter(
            school_id__in=school_ids, status=LiveSession.Status.ENDED, starts_at__gte=since, starts_at__lt=until
        )
        .annotate(
            admitted=Count("invitations", filter=Q(invitations__admitted_at__isnull=False), distinct=True),
            incident_count=Count("incidents", distinct=True),
        )
        .values("school_id", "minutes", "host_id", "monitor_id", "admitted", "incident_count")
    ):
        policy = policies.get(session["school_id"])
        max_children = policy.live_max_children if policy else 15
        max_minutes = policy.live_max_minutes if policy else 30
        live = figures.live
        live.held += 1
        live.children += session["admitted"]
        live.largest = max(live.largest, session["admitted"])
        live.within_children += session["admitted"] <= max_children
        live.within_minutes += session["minutes"] <= max_minutes
        live.second_adult += bool(session["monitor_id"]) and session["monitor_id"] != session["host_id"]
        live.incidents += session["incident_count"]

    # Vulnerable pupils learning at home: a teacher's and a DSL contact due each week with remote days (2 queries).
    vulnerable = set(
        VulnerablePupil.objects.filter(school_id__in=school_ids, started_on__lte=end)
        .exclude(ended_on__lt=start)
        .values_list("pupil_id", flat=True)
    )
    remote_weeks: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for row in signals:
        if row["pupil_id"] in vulnerable:
            remote_weeks[row["pupil_id"]].add(row["date"].isocalendar()[:2])
    made: set[tuple[int, tuple[int, int], str]] = set()
    for pupil_id, by, at in Contact.objects.filter(
        pupil_id__in=list(remote_weeks), contacted_at__gte=since, contacted_at__lt=until
    ).values_list("pupil_id", "by", "contacted_at"):
        week = timezone.localdate(at).isocalendar()[:2]
        if week in remote_weeks[pupil_id]:
            made.add((pupil_id, week, by))
    figures.vulnerable = Vulnerable(
        pupils=len(remote_weeks),
        due=2 * sum(len(weeks) for weeks in remote_weeks.values()),
        made_teacher=sum(1 for m in made if m[2] == Contact.By.TEACHER),
        made_dsl=sum(1 for m in made if m[2] == Contact.By.DSL),
    )

    # Safeguarding concerns: counts and the time to acknowledge, never what they say (1 query).
    waits = []
    concerns = Concerns()
    for raised_at, acknowledged_at in Concern.objects.filter(
        school_id__in=school_ids, raised_at__gte=since, raised_at__lt=until
    ).values_list("raised_at", "acknowledged_at"):
        concerns.raised += 1
        if acknowledged_at is None:
            concerns.waiting += 1
        else:
            concerns.acknowledged += 1
            waits.append((acknowledged_at - raised_at).total_seconds() / 3600)
    concerns.median_hours = statistics.median(waits) if waits else None
    figures.concerns = concerns
    return figures


@dataclass(frozen=True, slots=True)
class _PupilRef:
    """All `planned_minutes` reads of a pupil: a model instance each costs more than the SQL at a trust's size."""

    pk: int
    school_class_id: int


# --- Presentation: the same tables for HTML, PDF and CSV -------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    note: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: withheld
    text: str


@dataclass(frozen=True)
class Presented:
    figures: Figures
    audience: str
    tables: tuple[Table, ...]
    engagement_bars: tuple[Bar, ...]
    reason_bars: tuple[Bar, ...]

    @property
    def suppressed(self) -> bool:
        return self.audience == GOVERNORS

    def csv_rows(self) -> list[list[str]]:
        rows = [["section", "row", "column", "value"]]
        for table in self.tables:
            for label, cells in table.rows:
                for column, cell in zip(table.columns, cells, strict=True):
                    rows.append([table.title, label, column, cell])
        return rows


class Formatter:
    def __init__(self, *, suppress: bool) -> None:
        self.suppress = suppress

    def count(self, n: int) -> str:
        if self.suppress and 0 < n < SMALL:
            return SUPPRESSED
        return f"{n:,}"

    def _small(self, n: int) -> bool:
        return 0 < n < SMALL

    def rate(self, part: int, whole: int) -> str:
        if whole == 0:
            return "n/a"
        if self.suppress and (self._small(whole) or self._small(part) or self._small(whole - part)):
            return WITHHELD
        return f"{round(100 * part / whole)}%"

    def rate_value(self, part: int, whole: int) -> int | None:
        text = self.rate(part, whole)
        return int(text[:-1]) if text.endswith("%") else None

    def average(self, total: int, count: int) -> str:
        if count == 0:
            return "n/a"
        if self.suppress and self._small(count):
            return WITHHELD
        return str(round(total / count))

    def hours(self, value: float | None, based_on: int) -> str:
        if value is None:
            return "n/a"
        if self.suppress and self._small(based_on):
            return WITHHELD
        return f"{value:.1f}"


def present(figures: Figures, *, audience: str = GOVERNORS) -> Presented:
    f = Formatter(suppress=audience == GOVERNORS)
    many = len(figures.schools) > 1

    def class_label(line: ClassLine) -> str:
        return f"{line.school}: {line.school_class}" if many else line.school_class

    reasons = Table(
        key="reasons",
        title="Remote education by reason and absence code",
        columns=("Pupils", "Register sessions", "Pupil-days"),
        rows=tuple(
            (f"{r.reason} ({r.code})", (f.count(r.pupils), f.count(r.sessions), f.count(r.days)))
            for r in figures.reasons
        ),
        note="From the attendance register: every session a pupil was recorded as learning at home.",
    )
    targets = sorted(set(figures.target_minutes.values()))
    target_text = " or ".join(f"{t // 60} h {t % 60:02d} min" if t % 60 else f"{t // 60} hours" for t in targets)
    entitlement = Table(
        key="entitlement",
        title=f"Learning offered against the daily entitlement ({target_text or 'policy'})",
        columns=("Pupil-days", "Days meeting it", "Share met", "Average offered (min)"),
        rows=tuple(
            (
                class_label(c),
                (
                    f.count(c.pupil_days),
                    f.count(c.entitlement_met),
                    f.rate(c.entitlement_met, c.pupil_days),
                    f.average(c.minutes_offered, c.pupil_days),
                ),
            )
            for c in figures.classes
        ),
        note="Minutes planned for each pupil on each remote day, their own changes included.",
    )
    engagement = Table(
        key="engagement",
        title="Engagement by class",
        columns=(
            "Pupils",
            "Pupil-days",
            "Days with something from home",
            "Engagement rate",
            "Plan opened",
            "Work sent",
        ),
        rows=tuple(
            (
                class_label(c),
                (
                    f.count(c.pupils),
                    f.count(c.pupil_days),
                    f.count(c.engaged_days),
                    f.rate(c.engaged_days, c.pupil_days),
                    f.count(c.opened_days),
                    f.count(c.work_days),
                ),
            )
            for c in figures.classes
        ),
        note=(
            "A day counts when the plan was opened, work was sent, feedback was read, a live session was joined, "
            "or a paper pack was collected, returned or in use."
        ),
    )
    p = figures.packs
    packs = Table(
        key="packs",
        title="Paper packs",
        columns=("Requested", "Ready on time", "Late or not yet ready", "Collected", "Returned"),
        rows=(
            (
                "All",
                (f.count(p.requested), f.count(p.on_time), f.count(p.late), f.count(p.collected), f.count(p.returned)),
            ),
        ),
        note="On time: ready for collection by the end of the first school day of absence, as the policy asks.",
    )
    lv = figures.live
    live = Table(
        key="live",
        title="Live sessions and their safeguards",
        columns=(
            "Held",
            "Children who joined",
            "Largest group",
            "Within the group limit",
            "Within the time limit",
            "With a second adult",
            "Incidents reported",
        ),
        rows=(
            (
                "All",
                (
                    f.count(lv.held),
                    f.count(lv.children),
                    f.count(lv.largest),
                    f.count(lv.within_children),
                    f.count(lv.within_minutes),
                    f.count(lv.second_adult),
                    f.count(lv.incidents),
                ),
            ),
        ),
        note="Every session is invite only, with a waiting room, first names, muted, no chat and no recording.",
    )
    v = figures.vulnerable
    vulnerable = Table(
        key="vulnerable",
        title="Vulnerable pupils learning at home: weekly contacts",
        columns=("Pupils", "Contacts due", "Made by the class teacher", "Made by the DSL team", "Share made"),
        rows=(
            (
                "All",
                (
                    f.count(v.pupils),
                    f.count(v.due),
                    f.count(v.made_teacher),
                    f.count(v.made_dsl),
                    f.rate(min(v.made, v.due), v.due),
                ),
            ),
        ),
        note="One contact by the class teacher and one by the DSL team for each week with remote education.",
    )
    c = figures.concerns
    concerns = Table(
        key="concerns",
        title="Safeguarding concerns (counts only)",
        columns=("Raised", "Acknowledged", "Still waiting", "Median hours to acknowledge"),
        rows=(
            (
                "All",
                (
                    f.count(c.raised),
                    f.count(c.acknowledged),
                    f.count(c.waiting),
                    f.hours(c.median_hours, c.acknowledged),
                ),
            ),
        ),
        note="No detail of any concern is in this report.",
    )
    s = figures.send
    send = Table(
        key="send",
        title="Pupils with SEND",
        columns=("Pupils", "Pupil-days", "With learning adapted for them", "Entitlement met", "Engagement rate"),
        rows=(
            (
                "All",
                (
                    f.count(s.pupils),
                    f.count(s.pupil_days),
                    f.count(s.with_bespoke),
                    f.rate(s.entitlement_met, s.pupil_days),
                    f.rate(s.engaged_days, s.pupil_days),
                ),
            ),
        ),
        note="Pupils with SEN support or an EHC plan who learned at home in the period.",
    )
    engagement_bars = tuple(
        Bar(
            label=class_label(line),
            value=f.rate_value(line.engaged_days, line.pupil_days),
            text=f.rate(line.engaged_days, line.pupil_days),
        )
        for line in figures.classes
    )
    reason_bars = tuple(
        Bar(label=r.reason, value=None if f.count(r.days) == SUPPRESSED else r.days, text=f.count(r.days))
        for r in figures.reasons
    )
    return Presented(
        figures=figures,
        audience=audience,
        tables=(reasons, entitlement, engagement, packs, live, vulnerable, concerns, send),
        engagement_bars=engagement_bars,
        reason_bars=reason_bars,
    )
