"""Reads for the core app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from homelearning.core.calendar import bank_holiday_name
from homelearning.core.models import AuditEvent, NonSchoolDay, OutboundEmail, Term
from homelearning.people.models import School


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    target: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_events(school: School, f: AuditFilter) -> QuerySet[AuditEvent]:
    """A school's audit trail, newest first."""
    events = AuditEvent.objects.filter(school=school)
    if f.actor:
        events = events.filter(actor_label__icontains=f.actor)
    if f.action:
        events = events.filter(action__istartswith=f.action)
    if f.target:
        events = events.filter(Q(target_label__icontains=f.target) | Q(target_code=f.target))
    if f.date_from:
        events = events.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        events = events.filter(created_at__date__lte=f.date_to)
    return events.order_by("-created_at", "-id")


def audit_actions(school: School) -> list[str]:
    return list(AuditEvent.objects.filter(school=school).order_by("action").values_list("action", flat=True).distinct())


def emails_for_school(school: School, *, status: str = "") -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.filter(school=school)
    if status:
        emails = emails.filter(status=status)
    return emails.order_by("-created_at", "-id")


def email_counts(school: School) -> dict[str, int]:
    counts = OutboundEmail.objects.filter(school=school).aggregate(
        queued=Count("id", filter=Q(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING])),
        failed=Count("id", filter=Q(status=OutboundEmail.Status.FAILED)),
        sent=Count("id", filter=Q(status=OutboundEmail.Status.SENT)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


@dataclass(frozen=True)
class TermRow:
    term: Term
    school_days: int
    closed: list[NonSchoolDay]
    bank_holidays: list[tuple[datetime.date, str]]


def calendar_overview(school: School, *, since: datetime.date) -> list[TermRow]:
    """Terms ending on or after `since`, each with its days without school and its count of school days."""
    terms = list(Term.objects.filter(school=school, last_day__gte=since).order_by("first_day"))
    if not terms:
        return []
    days = list(
        NonSchoolDay.objects.filter(school=school, date__range=(terms[0].first_day, terms[-1].last_day)).order_by(
            "date"
        )
    )
    rows = []
    for term in terms:
        closed = [d for d in days if term.first_day <= d.date <= term.last_day]
        closed_dates = {d.date for d in closed}
        holidays_in_term: list[tuple[datetime.date, str]] = []
        count = 0
        day = term.first_day
        while day <= term.last_day:
            if day.weekday() < 5:
                name = bank_holiday_name(day)
                if name:
                    holidays_in_term.append((day, name))
                elif day not in closed_dates:
                    count += 1
            day += datetime.timedelta(days=1)
        rows.append(TermRow(term=term, school_days=count, closed=closed, bank_holidays=holidays_in_term))
    return rows
