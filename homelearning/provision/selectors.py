"""Reads for the provision app. Each names its joins, so a page costs the same for 5 pupils or 500."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from homelearning.people.models import Pupil, PupilCarer, School
from homelearning.provision.models import AgreementParty, Case, Closure, RegisterMark


def remote_days(
    *,
    school: School,
    start: datetime.date,
    end: datetime.date,
    pupil_ids: Iterable[int] | None = None,
) -> dict[int, set[datetime.date]]:
    """For each pupil id, the school days in [start, end] they are in remote education. One query.

    The register is the record: closures and active cases mark only school days, and
    ending or shortening either removes the days that no longer apply.
    """
    marks = RegisterMark.objects.filter(school=school, date__range=(start, end))
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    result: dict[int, set[datetime.date]] = defaultdict(set)
    for pupil_id, day in marks.values_list("pupil_id", "date").distinct():
        result[pupil_id].add(day)
    return dict(result)


def closures_for_school(school: School) -> list[Closure]:
    return list(
        Closure.objects.filter(school=school)
        .select_related("declared_by", "absence_code")
        .prefetch_related("year_groups", "classes")
        .order_by("-first_day", "-id")[:100]
    )


def closures_in_force(school: School, today: datetime.date) -> list[Closure]:
    return list(
        Closure.objects.filter(school=school, status=Closure.Status.IN_FORCE, last_day__gte=today)
        .select_related("absence_code", "declared_by")
        .prefetch_related("year_groups", "classes")
        .order_by("first_day")
    )


def pupils_for_choosing(pupils: QuerySet[Pupil]) -> list[Pupil]:
    """Pupils on roll for a picker: by year group, class and name, with their class (one query)."""
    return list(
        pupils.filter(left_on__isnull=True)
        .select_related("school_class__year_group")
        .order_by("school_class__year_group__position", "school_class__name", "surname", "legal_first_name", "pk")
    )


def pupil_matches(pupil: Pupil, query: str) -> bool:
    """A name search for a picker: every word typed is in the pupil's names (any case)."""
    names = f"{pupil.legal_first_name} {pupil.preferred_first_name} {pupil.surname}".casefold()
    return all(word in names for word in query.casefold().split())


def cases_for(pupils: QuerySet[Pupil]) -> list[Case]:
    """Cases of the given pupils (the viewer's visible pupils), newest first."""
    return list(
        Case.objects.filter(pupil__in=pupils)
        .select_related("pupil__school_class", "absence_code", "recorded_by")
        .order_by("-recorded_at", "-id")[:200]
    )


def case_detail(case: Case) -> Case:
    """A case with its assessments, advice, parties and reviews loaded."""
    return (
        Case.objects.select_related(
            "pupil__school_class", "school", "absence_code", "recorded_by", "activated_by", "closed_by"
        )
        .prefetch_related(
            "risk_assessments",
            "medical_advice",
            Prefetch("parties", queryset=AgreementParty.objects.select_related("carer", "recorded_by")),
            "reviews",
        )
        .get(pk=case.pk)
    )


def primary_carers_of(pupil_ids: list[int]) -> list[PupilCarer]:
    return list(
        # Every primary carer: one with no email is texted, or goes on the office's call-or-post list.
        PupilCarer.objects.filter(pupil_id__in=pupil_ids, is_primary=True).select_related("carer", "pupil")
    )


def illness_days(*, school: School, code: str, threshold: int, today: datetime.date) -> dict[int, int]:
    """Pupil id → school days coded `code` up to and including today (a case marks its days ahead; the
    ones still to come are not absence yet), a day counted once whichever sessions, for those at the threshold."""
    rows = (
        RegisterMark.objects.filter(school=school, absence_code_id=code, pupil__left_on__isnull=True, date__lte=today)
        .values("pupil_id")
        .annotate(days=Count("date", distinct=True))
        .filter(days__gte=threshold)
    )
    return {r["pupil_id"]: r["days"] for r in rows}


@dataclass
class Dashboard:
    closures: list[Closure]
    open_counts: dict[str, int]
    reviews_due: list[Case]
    reviews_overdue: list[Case]
    at_time_limit: list[Case]
    illness: list[tuple[Pupil, int]]


def dashboard(*, school: School, today: datetime.date, illness_code: str, illness_threshold: int) -> Dashboard:
    open_cases = Case.objects.filter(school=school, status__in=Case.OPEN_STATUSES)
    counts = dict(open_cases.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    active = open_cases.filter(status=Case.Status.ACTIVE).select_related("pupil__school_class")
    week_end = today + datetime.timedelta(days=7)
    illness = illness_days(school=school, code=illness_code, threshold=illness_threshold, today=today)
    pupils = Pupil.objects.filter(pk__in=illness).select_related("school_class").order_by("surname")
    return Dashboard(
        closures=closures_in_force(school, today),
        open_counts={
            label: counts.get(value, 0) for value, label in Case.Status.choices if value in Case.OPEN_STATUSES
        },
        reviews_due=list(active.filter(next_review_date__range=(today, week_end)).order_by("next_review_date")),
        reviews_overdue=list(active.filter(next_review_date__lt=today).order_by("next_review_date")),
        at_time_limit=list(active.filter(Q(end_date__lte=today)).order_by("end_date")),
        illness=[(p, illness[p.pk]) for p in pupils],
    )


def register_rows(*, school: School, start: datetime.date, end: datetime.date) -> QuerySet[RegisterMark]:
    return (
        RegisterMark.objects.filter(school=school, date__range=(start, end))
        .select_related("pupil")
        .order_by("date", "pupil__surname", "pupil__legal_first_name", "pupil_id", "session")
    )


def closures_for_children(*, pupil_ids: list[int], day: datetime.date) -> list[tuple[Closure, list[Pupil]]]:
    """For a parent's home page: the closures keeping these children at home on `day`, each with which."""
    marks = (
        RegisterMark.objects.filter(pupil_id__in=pupil_ids, date=day, closure__isnull=False)
        .select_related("closure__school", "pupil")
        .order_by("closure_id", "pupil__legal_first_name")
    )
    found: dict[Closure, list[Pupil]] = {}
    for mark in marks:
        if mark.closure is None:
            continue
        pupils = found.setdefault(mark.closure, [])
        if mark.pupil not in pupils:  # a morning and an afternoon mark: the child once
            pupils.append(mark.pupil)
    return list(found.items())
