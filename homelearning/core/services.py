"""Writes for the core app: the school calendar (terms, INSET days and planned closures)."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction

from homelearning.core.audit import audit
from homelearning.core.calendar import bank_holiday_name
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.models import NonSchoolDay, Term
from homelearning.people.models import School, Staff


def calendar_version_key(school_id: int) -> str:
    return f"core:calendar-version:{school_id}"


def _calendar_changed(school: School) -> None:
    """Pages that cache calendar-derived hints (a parent's previous and next school day) key on this."""
    key = calendar_version_key(school.pk)

    def bump() -> None:
        # add() then incr(): atomic in Redis, so two changes at once never share a version.
        cache.add(key, 0, None)
        cache.incr(key)

    transaction.on_commit(bump)


def _check_term(
    *, school: School, name: str, first_day: datetime.date, last_day: datetime.date, term: Term | None
) -> str:
    name = name.strip()
    if not name:
        raise ServiceError("Give the term a name, for example “Spring 1”.")
    if last_day < first_day:
        raise ServiceError("A term's last day must be on or after its first day.")
    if (last_day - first_day).days > 120:
        raise ServiceError("A term is at most 120 days long; enter each half term separately.")
    others = Term.objects.filter(school=school, first_day__lte=last_day, last_day__gte=first_day)
    if term is not None:
        others = others.exclude(pk=term.pk)
    clash = others.first()
    if clash is not None:
        raise ServiceError(f"The dates overlap {clash}.")
    return name


@transaction.atomic
def term_create(*, school: School, by: Staff, name: str, first_day: datetime.date, last_day: datetime.date) -> Term:
    name = _check_term(school=school, name=name, first_day=first_day, last_day=last_day, term=None)
    try:
        with transaction.atomic():
            term = Term.objects.create(school=school, name=name, first_day=first_day, last_day=last_day)
    except IntegrityError:
        raise ServiceError("Another term already starts on that day.") from None
    audit(
        action="calendar.term.create",
        actor=by.user,
        school=school,
        target=term,
        details={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
    )
    _calendar_changed(school)
    return term


@transaction.atomic
def term_update(*, term: Term, by: Staff, name: str, first_day: datetime.date, last_day: datetime.date) -> Term:
    name = _check_term(school=term.school, name=name, first_day=first_day, last_day=last_day, term=term)
    updated = Term.objects.filter(pk=term.pk).update(name=name, first_day=first_day, last_day=last_day)
    if updated != 1:
        raise InvalidTransition("That term was removed by someone else.")
    audit(
        action="calendar.term.update",
        actor=by.user,
        school=term.school,
        target=term,
        details={
            "from": [term.first_day.isoformat(), term.last_day.isoformat()],
            "to": [first_day.isoformat(), last_day.isoformat()],
        },
    )
    _calendar_changed(term.school)
    return Term.objects.get(pk=term.pk)


@transaction.atomic
def term_delete(*, term: Term, by: Staff) -> None:
    audit(action="calendar.term.delete", actor=by.user, school=term.school, target=term)
    deleted, _ = Term.objects.filter(pk=term.pk).delete()
    if not deleted:
        raise InvalidTransition("That term was already removed.")
    _calendar_changed(term.school)


@transaction.atomic
def non_school_day_add(*, school: School, by: Staff, date: datetime.date, kind: str, note: str = "") -> NonSchoolDay:
    if kind not in NonSchoolDay.Kind.values:
        raise ServiceError("Choose INSET day or planned closure.")
    if date.weekday() >= 5:
        raise ServiceError(f"{date:%A %-d %B %Y} is a weekend day: there is no school anyway.")
    holiday = bank_holiday_name(date)
    if holiday:
        raise ServiceError(f"{date:%-d %B %Y} is a bank holiday ({holiday}): there is no school anyway.")
    if not Term.objects.filter(school=school, first_day__lte=date, last_day__gte=date).exists():
        raise ServiceError(f"{date:%-d %B %Y} is not in any term: add the term first.")
    try:
        with transaction.atomic():
            day = NonSchoolDay.objects.create(school=school, date=date, kind=kind, note=note.strip())
    except IntegrityError:
        raise ServiceError(f"{date:%-d %B %Y} is already marked as a day without school.") from None
    audit(action="calendar.day.create", actor=by.user, school=school, target=day, details={"kind": kind})
    _calendar_changed(school)
    return day


@transaction.atomic
def non_school_day_remove(*, day: NonSchoolDay, by: Staff) -> None:
    audit(action="calendar.day.delete", actor=by.user, school=day.school, target=day)
    deleted, _ = NonSchoolDay.objects.filter(pk=day.pk).delete()
    if not deleted:
        raise InvalidTransition("That day was already removed.")
    _calendar_changed(day.school)
