"""Reads for daily learning. Each names its joins, so a page costs the same for 3 activities or 30."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import get_language

from homelearning.core.calendar import SchoolCalendar
from homelearning.learning.models import Activity, ActivityOmission, Plan, PlanTemplate, Resource, Subject
from homelearning.people.models import Pupil, School, SchoolClass
from homelearning.translation import services as machine


class _Row(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def replaces_id(self) -> int | None: ...
    @property
    def position(self) -> int: ...


T = TypeVar("T", bound=_Row)


def effective(class_rows: Sequence[T], bespoke_rows: Sequence[T], dropped: set[int]) -> list[T]:
    """One pupil's day: the class's activities less the dropped ones, replacements in their place,
    then the pupil's own additions."""
    replacing = {r.replaces_id: r for r in bespoke_rows if r.replaces_id is not None}
    result = [replacing.get(a.pk, a) for a in class_rows if a.pk not in dropped]
    result.extend(sorted((r for r in bespoke_rows if r.replaces_id is None), key=lambda r: (r.position, r.pk)))
    return result


def subjects() -> list[Subject]:
    return list(Subject.objects.select_related("parent").order_by("position"))


def library(school: School) -> list[Resource]:
    return list(
        Resource.objects.filter(school=school)
        .select_related("subject", "year_group", "created_by")
        .order_by("subject__position", "title")
    )


def _activities_qs() -> QuerySet[Activity]:
    return Activity.objects.select_related("subject__parent").prefetch_related(
        # A plain list per activity: templates loop over it without building a queryset each time.
        Prefetch("resources", queryset=Resource.objects.order_by("title"), to_attr="resource_list")
    )


def plan_for_day(school_class: SchoolClass, day: datetime.date) -> Plan | None:
    """The class's plan with its class activities (bespoke ones are not the class's)."""
    return (
        Plan.objects.filter(school_class=school_class, date=day)
        .prefetch_related(
            Prefetch("activities", queryset=_activities_qs().filter(pupil__isnull=True), to_attr="class_activities")
        )
        .first()
    )


def plan_totals(school_class: SchoolClass, days: Iterable[datetime.date]) -> dict[datetime.date, Plan]:
    """The class's plans on these days, each with `total_minutes` and `activity_count`."""
    plans = Plan.objects.filter(school_class=school_class, date__in=list(days)).annotate(
        total_minutes=Sum("activities__minutes", filter=Q(activities__pupil__isnull=True)),
    )
    return {p.date: p for p in plans}


def templates_for(school_class: SchoolClass) -> list[PlanTemplate]:
    return list(
        PlanTemplate.objects.filter(year_group_id=school_class.year_group_id)
        .annotate(total_minutes=Sum("activities__minutes"))
        .order_by("name")
    )


@dataclass
class PupilDay:
    pupil: Pupil
    date: datetime.date
    plan: Plan | None
    activities: list[Activity] = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(a.minutes for a in self.activities)

    @property
    def is_bespoke(self) -> bool:
        return any(a.pupil_id is not None for a in self.activities)


def pupil_days(pupils: Sequence[Pupil], day: datetime.date) -> list[PupilDay]:
    """Each pupil's learning on `day`, bespoke changes applied, in four queries however many pupils."""
    if not pupils:
        return []
    plans = {
        p.school_class_id: p
        for p in Plan.objects.filter(school_class__in={p.school_class_id for p in pupils}, date=day)
    }
    if not plans:
        return [PupilDay(pupil=p, date=day, plan=None) for p in pupils]
    pupil_ids = [p.pk for p in pupils]
    rows = list(
        _activities_qs()
        .filter(Q(pupil__isnull=True) | Q(pupil__in=pupil_ids), plan__in=list(plans.values()))
        .order_by("position", "pk")
    )
    # The teacher's words in the reader's language, where the translation provider has translated them.
    machine.shown(rows, ("title", "instructions"), get_language())
    dropped: dict[int, set[int]] = defaultdict(set)
    for activity_id, pupil_id in ActivityOmission.objects.filter(
        pupil__in=pupil_ids, activity__plan__in=list(plans.values())
    ).values_list("activity_id", "pupil_id"):
        dropped[pupil_id].add(activity_id)
    result = []
    for pupil in pupils:
        plan = plans.get(pupil.school_class_id)
        if plan is None:
            result.append(PupilDay(pupil=pupil, date=day, plan=None))
            continue
        class_rows = [a for a in rows if a.plan_id == plan.pk and a.pupil_id is None]
        own = [a for a in rows if a.plan_id == plan.pk and a.pupil_id == pupil.pk]
        result.append(
            PupilDay(pupil=pupil, date=day, plan=plan, activities=effective(class_rows, own, dropped[pupil.pk]))
        )
    return result


def pupil_day(pupil: Pupil, day: datetime.date) -> PupilDay:
    return pupil_days([pupil], day)[0]


def dropped_for(pupil: Pupil, plan: Plan) -> set[int]:
    return set(ActivityOmission.objects.filter(pupil=pupil, activity__plan=plan).values_list("activity_id", flat=True))


def bespoke_for(pupil: Pupil, plan: Plan) -> list[Activity]:
    return list(_activities_qs().filter(plan=plan, pupil=pupil).order_by("position", "pk"))


@dataclass(frozen=True)
class _MinutesRow:
    pk: int
    replaces_id: int | None
    position: int
    minutes: int
    pupil_id: int | None
    plan_id: int


def planned_minutes(
    *, pupils: Iterable[Pupil], start: datetime.date, end: datetime.date
) -> dict[int, dict[datetime.date, int]]:
    """Planned minutes per pupil per day with a plan, bespoke changes included: {pupil id: {date: minutes}}.

    Days without a plan for the pupil's class are absent. Three queries for any number of pupils and days.
    """
    pupil_list = list(pupils)
    result: dict[int, dict[datetime.date, int]] = {p.pk: {} for p in pupil_list}
    if not pupil_list or end < start:
        return result
    pupil_ids = [p.pk for p in pupil_list]
    plans = {
        pk: (class_id, day)
        for pk, class_id, day in Plan.objects.filter(
            school_class__in={p.school_class_id for p in pupil_list}, date__range=(start, end)
        ).values_list("pk", "school_class_id", "date")
    }
    rows = [
        _MinutesRow(*values)
        for values in Activity.objects.filter(plan__in=list(plans))
        .filter(Q(pupil__isnull=True) | Q(pupil__in=pupil_ids))
        .order_by("position", "pk")
        .values_list("pk", "replaces_id", "position", "minutes", "pupil_id", "plan_id")
    ]
    dropped: dict[int, set[int]] = defaultdict(set)
    for activity_id, pupil_id in ActivityOmission.objects.filter(
        pupil__in=pupil_ids, activity__plan__in=list(plans)
    ).values_list("activity_id", "pupil_id"):
        dropped[pupil_id].add(activity_id)
    class_rows: dict[int, list[_MinutesRow]] = defaultdict(list)
    bespoke_rows: dict[tuple[int, int], list[_MinutesRow]] = defaultdict(list)
    for row in rows:
        if row.pupil_id is None:
            class_rows[row.plan_id].append(row)
        else:
            bespoke_rows[(row.plan_id, row.pupil_id)].append(row)
    plans_by_class: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for plan_id, (class_id, day) in plans.items():
        plans_by_class[class_id].append((plan_id, day))
    for pupil in pupil_list:
        for plan_id, day in plans_by_class[pupil.school_class_id]:
            day_rows = effective(class_rows[plan_id], bespoke_rows[(plan_id, pupil.pk)], dropped[pupil.pk])
            result[pupil.pk][day] = sum(r.minutes for r in day_rows)
    return result


def neighbour_days(school: School, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The school days before and after `day` (the calendar days, if no school day is near)."""
    span = datetime.timedelta(days=14)
    calendar = SchoolCalendar.load(school, day - span, day + span)
    later = [day + datetime.timedelta(days=n) for n in range(1, 15)]
    earlier = [day - datetime.timedelta(days=n) for n in range(1, 15)]
    return (
        next((d for d in earlier if calendar.is_school_day(d)), earlier[0]),
        next((d for d in later if calendar.is_school_day(d)), later[0]),
    )


def classes_for_planning(classes: QuerySet[SchoolClass]) -> list[SchoolClass]:
    return list(classes.select_related("year_group").distinct().order_by("year_group__position", "name"))


def pupils_for_adapting(pupils: QuerySet[Pupil]) -> list[Pupil]:
    """Pupils with SEND first: they are who bespoke learning is most often for."""
    return list(
        pupils.select_related("school_class").order_by(
            "send_status", "school_class__name", "surname", "legal_first_name"
        )
    )
