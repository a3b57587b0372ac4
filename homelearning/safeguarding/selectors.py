"""Safeguarding reads. Callers have already passed `access`; these name every join."""

from __future__ import annotations

import datetime
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from homelearning.core import clock
from homelearning.core.calendar import SchoolCalendar
from homelearning.people.models import ClassStaff, Pupil, School, Staff
from homelearning.people.selectors import policy_in_force
from homelearning.safeguarding.models import (
    Concern,
    ConcernEntry,
    ConcernPupil,
    Contact,
    FilterAlert,
    VulnerablePupil,
)

DUE = "due"
DONE = "done"
OVERDUE = "overdue"


@dataclass(frozen=True)
class ContactDue:
    pupil: Pupil
    by: str  # Contact.By
    status: str  # DUE, DONE or OVERDUE
    due_on: datetime.date
    last_contact: datetime.date | None
    engagement: Any = None  # engagement.selectors.Engagement, when the child is learning at home now


def contact_statuses(
    *,
    vulnerable_since: dict[int, datetime.date],
    pupils: dict[int, Pupil],
    last_contacts: dict[tuple[int, str], datetime.date],
    remote_pupil_ids: Iterable[int],
    every_days: int,
    today: datetime.date,
    is_working_day: Callable[[datetime.date], bool] = lambda day: day.weekday() < 5,
) -> list[ContactDue]:
    """Pure: for each vulnerable pupil in remote education, the teacher's and the DSL's contact this period.

    A contact is done when one was made in the last `every_days` days; otherwise it is due
    `every_days` after the last one (or after the pupil was added to the list) and overdue after that.
    A due date that falls when the school is shut (a weekend, a bank holiday, an INSET day) comes
    forward to the working day before, so a week's contact is never due on a Saturday.
    """
    remote = set(remote_pupil_ids)
    result: list[ContactDue] = []
    for pupil_id, since in sorted(vulnerable_since.items(), key=lambda kv: _sort_key(pupils[kv[0]])):
        if pupil_id not in remote:
            continue
        for by in ("teacher", "dsl"):
            last = last_contacts.get((pupil_id, by))
            anchor = last if last is not None else since
            due_on = _working_day_on_or_before(anchor + datetime.timedelta(days=every_days), anchor, is_working_day)
            if last is not None and last > today - datetime.timedelta(days=every_days):
                status = DONE
            elif today > due_on:
                status = OVERDUE
            else:
                status = DUE
            result.append(ContactDue(pupil=pupils[pupil_id], by=by, status=status, due_on=due_on, last_contact=last))
    return result


def _working_day_on_or_before(
    day: datetime.date, not_before: datetime.date, is_working_day: Callable[[datetime.date], bool]
) -> datetime.date:
    candidate = day
    while candidate > not_before:
        if is_working_day(candidate):
            return candidate
        candidate -= datetime.timedelta(days=1)
    return day  # no working day in between: keep the plain date rather than none


def _sort_key(pupil: Pupil) -> tuple[str, str]:
    return (pupil.surname, pupil.first_name)


def current_vulnerable(school: School, today: datetime.date) -> QuerySet[VulnerablePupil]:
    return (
        VulnerablePupil.objects.filter(school=school, started_on__lte=today, pupil__left_on__isnull=True)
        .exclude(ended_on__lt=today)
        .select_related("pupil__school_class", "reason")
    )


def remote_pupil_ids(
    school: School, *, today: datetime.date, every_days: int, pupil_ids: Iterable[int]
) -> set[int] | None:
    """Pupils in remote education in the last `every_days` days, from provision; None if provision is not there."""
    try:
        module = importlib.import_module("homelearning.provision.selectors")
    except ImportError:
        return None
    remote_days: Any = getattr(module, "remote_days", None)
    if remote_days is None:
        return None
    days = remote_days(
        school=school,
        start=today - datetime.timedelta(days=every_days - 1),
        end=today,
        pupil_ids=list(pupil_ids),
    )
    return {pupil_id for pupil_id, dates in days.items() if dates}


@dataclass
class ContactsOverview:
    every_days: int
    by_teacher: list[tuple[str, list[ContactDue]]]
    dsl: list[ContactDue]
    remote_known: bool

    @property
    def overdue(self) -> list[ContactDue]:
        rows = [c for _, rows in self.by_teacher for c in rows if c.status == OVERDUE]
        return rows + [c for c in self.dsl if c.status == OVERDUE]

    def counts(self, rows: list[ContactDue]) -> dict[str, int]:
        return {s: sum(1 for c in rows if c.status == s) for s in (DUE, DONE, OVERDUE)}

    @property
    def dsl_counts(self) -> dict[str, int]:
        return self.counts(self.dsl)


def contacts_overview(school: School, *, today: datetime.date, remote: set[int] | None = None) -> ContactsOverview:
    """This period's contacts for every current vulnerable pupil in remote education, per teacher and for the DSL.

    `remote` is the set of pupils in remote education; by default it comes from provision, and
    when provision cannot answer every current vulnerable pupil counts.
    """
    every_days = policy_in_force(school).vulnerable_contact_days
    records = list(current_vulnerable(school, today))
    since: dict[int, datetime.date] = {}
    pupils: dict[int, Pupil] = {}
    for record in records:
        pupils[record.pupil_id] = record.pupil
        since[record.pupil_id] = min(since.get(record.pupil_id, record.started_on), record.started_on)
    remote_known = True
    if remote is None:
        found = remote_pupil_ids(school, today=today, every_days=every_days, pupil_ids=pupils)
        remote_known = found is not None
        remote = found if found is not None else set(pupils)
    last: dict[tuple[int, str], datetime.date] = {}
    for pupil_id, by, at in Contact.objects.filter(pupil_id__in=list(pupils)).values_list(
        "pupil_id", "by", "contacted_at"
    ):
        day = timezone.localdate(at)
        if day <= today and day > last.get((pupil_id, by), datetime.date.min):
            last[(pupil_id, by)] = day
    anchors = [*since.values(), *last.values()]
    calendar = SchoolCalendar.load(
        school, min(anchors, default=today), max(anchors, default=today) + datetime.timedelta(days=every_days)
    )
    rows = contact_statuses(
        vulnerable_since=since,
        pupils=pupils,
        last_contacts=last,
        remote_pupil_ids=remote,
        every_days=every_days,
        today=today,
        is_working_day=calendar.is_working_day,
    )
    rows = _with_engagement(school, rows, today=today)
    teachers: dict[int, list[str]] = defaultdict(list)
    for link in ClassStaff.objects.filter(
        school_class_id__in={p.school_class_id for p in pupils.values()}, kind=ClassStaff.Kind.TEACHER
    ).select_related("staff"):
        teachers[link.school_class_id].append(link.staff.display_name)
    grouped: dict[str, list[ContactDue]] = defaultdict(list)
    dsl_rows: list[ContactDue] = []
    for row in rows:
        if row.by == "dsl":
            dsl_rows.append(row)
        else:
            names = teachers.get(row.pupil.school_class_id) or ["No class teacher"]
            grouped[" and ".join(names)].append(row)
    return ContactsOverview(
        every_days=every_days, by_teacher=sorted(grouped.items()), dsl=dsl_rows, remote_known=remote_known
    )


def _with_engagement(school: School, rows: list[ContactDue], *, today: datetime.date) -> list[ContactDue]:
    """Each row with the child's engagement beside it; a child not reached moves to the top (issue 18)."""
    from homelearning.engagement.selectors import NOT_REACHED, QUIET, engagement_for

    if not rows:
        return rows
    found = {e.pupil.pk: e for e in engagement_for(school, today=today, pupil_ids={r.pupil.pk for r in rows})}
    rows = [replace(r, engagement=found.get(r.pupil.pk)) for r in rows]
    order = {NOT_REACHED: 0, QUIET: 1}
    return sorted(rows, key=lambda r: order.get(r.engagement.status, 2) if r.engagement is not None else 3)


def teacher_contacts(staff: Staff, *, today: datetime.date) -> list[ContactDue]:
    """The teacher's own due contacts: vulnerable pupils in the classes they teach. No reasons shown."""
    overview = contacts_overview(staff.school, today=today)
    class_ids = set(
        ClassStaff.objects.filter(staff=staff, kind=ClassStaff.Kind.TEACHER).values_list("school_class_id", flat=True)
    )
    return [c for _, rows in overview.by_teacher for c in rows if c.pupil.school_class_id in class_ids]


def open_concerns(concerns: QuerySet[Concern]) -> list[Concern]:
    return list(
        concerns.exclude(status=Concern.Status.CLOSED)
        .select_related("category", "acknowledged_by")
        .prefetch_related(Prefetch("pupil_links", queryset=ConcernPupil.objects.select_related("pupil")))
        .order_by("raised_at")
    )


def concern_list(concerns: QuerySet[Concern], *, status: str = "") -> list[Concern]:
    if status in Concern.Status.values:
        concerns = concerns.filter(status=status)
    return list(
        concerns.select_related("category")
        .prefetch_related(Prefetch("pupil_links", queryset=ConcernPupil.objects.select_related("pupil")))
        .order_by("-raised_at")[:200]
    )


def concern_detail_entries(concern: Concern) -> list[ConcernEntry]:
    return list(ConcernEntry.objects.filter(concern=concern).select_related("corrects").order_by("created_at", "id"))


def concern_pupils(concern: Concern) -> list[Pupil]:
    return [
        link.pupil
        for link in ConcernPupil.objects.filter(concern=concern).select_related("pupil__school_class").order_by("id")
    ]


# Where a concern was raised from: a label for people and, where there is a page, its URL name.
SOURCES: dict[str, tuple[str, str | None]] = {
    "journal_item": ("A piece of work in the journal", "journal:item"),
    "live_session": ("A live session", "live:session_detail"),
    "contact": ("A weekly welfare contact", None),
    "call": ("A call log", "journal:call_log"),
    "filter_alert": ("A filtering alert", "safeguarding:alert_detail"),
}


def concern_source(concern: Concern) -> tuple[str, str | None]:
    """(label, url or None) for the place the concern was raised from; ("", None) when raised directly."""
    if not concern.source_type:
        return "", None
    label, url_name = SOURCES.get(concern.source_type, (concern.source_type.replace("_", " ").capitalize(), None))
    if url_name is None or not concern.source_code:
        return label, None
    try:
        return label, reverse(url_name, args=[concern.source_code])
    except NoReverseMatch:
        return label, None


@dataclass
class ChronologyItem:
    at: datetime.datetime
    kind: str
    title: str
    text: str
    by: str
    concern: Concern | None = None
    extra: list[str] = field(default_factory=list)


def chronology(pupil: Pupil) -> list[ChronologyItem]:
    """Every concern (with its entries), contact and filtering alert for the pupil, oldest first."""
    items: list[ChronologyItem] = []
    concern_ids = ConcernPupil.objects.filter(pupil=pupil).values("concern_id")
    concerns = list(Concern.objects.filter(pk__in=concern_ids).select_related("category"))
    for c in concerns:
        extra = [f"Action taken so far: {c.action_taken}"] if c.action_taken else []
        if c.source_type:
            extra.append(f"Raised from: {concern_source(c)[0].lower()}")
        items.append(
            ChronologyItem(
                at=c.happened_at,
                kind="concern",
                title=f"Concern: {c.category.name}",
                text=c.seen_or_heard,
                by=f"{c.raised_by_label} ({c.get_raised_as_display()})",
                concern=c,
                extra=extra,
            )
        )
        if c.acknowledged_at:
            items.append(
                ChronologyItem(
                    at=c.acknowledged_at, kind="acknowledged", title="Concern acknowledged", text="", by="", concern=c
                )
            )
    for e in ConcernEntry.objects.filter(concern_id__in=[c.pk for c in concerns]).select_related(
        "concern__category", "corrects"
    ):
        extra = [f"Reasons: {e.reason}"] if e.reason else []
        if e.corrects_id:
            extra.append(f"Corrects the entry of {timezone.localtime(e.corrects.created_at):%d/%m/%Y %H:%M}")  # type: ignore[union-attr]
        items.append(
            ChronologyItem(
                at=e.created_at,
                kind=e.kind,
                title=f"{e.get_kind_display()} ({e.concern.category.name})",
                text=e.text,
                by=e.author_label,
                concern=e.concern,
                extra=extra,
            )
        )
    from_contacts = {c.source_code: c for c in concerns if c.source_type == "contact"}
    for contact in Contact.objects.filter(pupil=pupil).select_related("made_by"):
        raised = from_contacts.get(contact.code)
        items.append(
            ChronologyItem(
                at=contact.contacted_at,
                kind="contact",
                title=f"Contact: {contact.get_method_display()} ({contact.get_by_display()})",
                text=contact.outcome,
                by=contact.made_by.full_name,
                concern=raised,
                extra=[
                    "Spoke to the child" if contact.spoke_to_child else "Did not speak to the child",
                    *(["A concern was raised from this contact"] if raised else []),
                ],
            )
        )
    for alert in FilterAlert.objects.filter(pupil=pupil):
        items.append(
            ChronologyItem(
                at=alert.occurred_at,
                kind="alert",
                title=f"Filtering alert: {alert.category}",
                text=alert.detail,
                by=alert.device_user,
                extra=[alert.get_triage_display()],
            )
        )
    items.extend(_live_incidents(pupil))
    for record in VulnerablePupil.objects.filter(pupil=pupil).select_related("reason"):
        start = timezone.make_aware(datetime.datetime.combine(record.started_on, datetime.time.min))
        items.append(
            ChronologyItem(
                at=start,
                kind="vulnerable",
                title=f"Added to the vulnerable list: {record.reason.name}",
                text=record.note,
                by="",
            )
        )
        if record.ended_on:
            end = timezone.make_aware(datetime.datetime.combine(record.ended_on, datetime.time.min))
            items.append(
                ChronologyItem(
                    at=end, kind="vulnerable", title=f"Off the vulnerable list: {record.reason.name}", text="", by=""
                )
            )
    items.sort(key=lambda i: i.at)
    return items


def _live_incidents(pupil: Pupil) -> list[ChronologyItem]:
    """Risks reported when a live session the child was invited to was ended (SAF-04)."""
    try:
        live = importlib.import_module("homelearning.live.models")
    except ImportError:
        return []
    incidents = (
        live.LiveIncident.objects.filter(session__invitations__pupil=pupil)
        .select_related("session__school_class", "reported_by")
        .distinct()
    )
    statuses = dict(
        live.Invitation.objects.filter(pupil=pupil, session__incidents__isnull=False).values_list(
            "session_id", "status"
        )
    )
    labels = dict(live.Invitation.Status.choices)
    return [
        ChronologyItem(
            at=incident.created_at,
            kind="live_incident",
            title=f"Live session ended for a risk: {incident.session.title}",
            text=incident.reason,
            by=incident.reported_by.full_name,
            extra=[
                f"{incident.session.school_class.name}, "
                f"{timezone.localtime(incident.session.starts_at):%d/%m/%Y %H:%M}",
                f"The child's invitation: {labels.get(statuses.get(incident.session_id, ''), 'unknown').lower()}",
            ],
        )
        for incident in incidents
    ]


def vulnerable_list(school: School, *, include_ended: bool = False) -> list[VulnerablePupil]:
    records = VulnerablePupil.objects.filter(school=school).select_related("pupil__school_class", "reason", "added_by")
    if not include_ended:
        records = records.filter(ended_on__isnull=True)
    return list(records.order_by("pupil__surname", "pupil__legal_first_name", "started_on"))


def alert_list(school: School, *, triage: str = "") -> list[FilterAlert]:
    alerts = FilterAlert.objects.filter(school=school).select_related("pupil", "triaged_by", "concern")
    if triage in FilterAlert.Triage.values:
        alerts = alerts.filter(triage=triage)
    return list(alerts.order_by("-occurred_at")[:300])


def duration_text(delta: datetime.timedelta) -> str:
    """A wait as people say it: "45 min", "3 h 05 min", "2 days 4 h"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


@dataclass(frozen=True)
class AcknowledgementRow:
    concern: Concern
    wait: datetime.timedelta  # to acknowledgement, or so far for a concern still waiting
    waiting: bool

    @property
    def wait_text(self) -> str:
        return duration_text(self.wait)


@dataclass(frozen=True)
class AcknowledgementReport:
    start: datetime.date
    end: datetime.date
    rows: list[AcknowledgementRow]

    @property
    def acknowledged(self) -> list[datetime.timedelta]:
        return sorted(r.wait for r in self.rows if not r.waiting)

    @property
    def still_waiting(self) -> int:
        return sum(1 for r in self.rows if r.waiting)

    @property
    def median(self) -> datetime.timedelta | None:
        waits = self.acknowledged
        if not waits:
            return None
        middle = len(waits) // 2
        if len(waits) % 2:
            return waits[middle]
        return (waits[middle - 1] + waits[middle]) / 2

    @property
    def longest(self) -> datetime.timedelta | None:
        waits = self.acknowledged
        return waits[-1] if waits else None

    @property
    def median_text(self) -> str:
        return duration_text(self.median) if self.median is not None else ""

    @property
    def longest_text(self) -> str:
        return duration_text(self.longest) if self.longest is not None else ""


def acknowledgement_report(
    school: School, *, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> AcknowledgementReport:
    """Every concern raised from `start` to `end` (school days, inclusive) and how long it waited for the DSL team."""
    now = now or clock.now()
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    concerns = (
        Concern.objects.filter(school=school, raised_at__gte=since, raised_at__lt=until)
        .select_related("category")
        .order_by("raised_at", "id")
    )
    rows = [
        AcknowledgementRow(
            concern=c,
            wait=(c.acknowledged_at or now) - c.raised_at,
            waiting=c.acknowledged_at is None,
        )
        for c in concerns
    ]
    return AcknowledgementReport(start=start, end=end, rows=rows)
