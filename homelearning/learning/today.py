"""A parent's first screen: each child's learning today, with each class's day rendered once.

Most children follow their class's plan unchanged, and a class's day changes a few times a day at most
while every family in the class opens it. So the rendered class day is kept in the cache, keyed by the
plan and its `version` (every service that changes a plan's class activities or their resources
touches it: see `learning.services._touch`). A key never goes stale: an edit makes a new key, and the old
entry simply ages out. Children with bespoke changes that day are rendered afresh every time, because
their page names them and shows what was adapted.

On a cache hit the page costs three queries for the learning (plans, which children have bespoke changes,
and nothing else); the school calendar around the day is cached for a few minutes per school.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from homelearning.core.services import calendar_version_key
from homelearning.learning.models import Activity, ActivityOmission, Plan
from homelearning.learning.selectors import PupilDay, neighbour_days, pupil_days
from homelearning.people.models import Pupil, School, Staff
from homelearning.people.selectors import ChildSummary

DAY_TEMPLATE = "learning/_pupil_day.html"
HEADING_LEVEL = 5
# Previous and next school day per school: a calendar change (core.services) starts a new version at once;
# entries also expire, for calendars changed outside those services.
CALENDAR_SECONDS = 600
# A class day's fragment is dropped after a day even if nobody changes it.
FRAGMENT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ChildDay:
    """A parent's child with the day's learning: what the parent's first screen shows."""

    pupil: Pupil
    teachers: list[Staff]
    date: datetime.date
    html: SafeString
    previous_day: datetime.date
    next_day: datetime.date


def _fragment_key(plan_id: int, version: int) -> str:
    # The fragment's words ("About 45 min", "Listen") are in the family's language: one entry per language.
    return f"learning:classday:v1:{plan_id}:{version}:h{HEADING_LEVEL}:{get_language()}"


def _render(day: object) -> SafeString:
    return mark_safe(render_to_string(DAY_TEMPLATE, {"day": day, "heading_level": HEADING_LEVEL}))


def _neighbours(school: School, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    version = cache.get(calendar_version_key(school.pk)) or 0
    key = f"learning:neighbours:v1:{school.pk}:{version}:{day.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = neighbour_days(school, day)
        cache.set(key, found, CALENDAR_SECONDS)
    return found


def children_today(children: Sequence[ChildSummary], day: datetime.date) -> list[ChildDay]:
    """Each child's learning on `day`, rendered; class days from the cache where nothing is bespoke."""
    pupils = [c.pupil for c in children]
    if not pupils:
        return []
    plans = {
        class_id: (pk, version)
        for pk, class_id, version in Plan.objects.filter(
            school_class__in={p.school_class_id for p in pupils}, date=day
        ).values_list("pk", "school_class_id", "version")
    }
    plan_ids = [pk for pk, _ in plans.values()]
    pupil_ids = [p.pk for p in pupils]
    bespoke: set[int] = set()
    if plan_ids:
        bespoke = set(
            Activity.objects.filter(plan__in=plan_ids, pupil__in=pupil_ids)
            .order_by()
            .values_list("pupil_id", flat=True)
            .union(
                ActivityOmission.objects.filter(activity__plan__in=plan_ids, pupil__in=pupil_ids)
                .order_by()
                .values_list("pupil_id", flat=True)
            )
        )
    keys = {class_id: _fragment_key(pk, version) for class_id, (pk, version) in plans.items()}
    fragments: dict[str, SafeString] = cache.get_many(list(keys.values())) if keys else {}

    html: dict[int, SafeString] = {}
    to_load: list[Pupil] = []
    for pupil in pupils:
        key = keys.get(pupil.school_class_id)
        if key is None:
            html[pupil.pk] = _render(PupilDay(pupil=pupil, date=day, plan=None))
        elif pupil.pk in bespoke or key not in fragments:
            to_load.append(pupil)
        else:
            html[pupil.pk] = fragments[key]
    fresh: dict[str, SafeString] = {}
    for pupil_day in pupil_days(to_load, day):
        rendered = _render(pupil_day)
        html[pupil_day.pupil.pk] = rendered
        key = keys.get(pupil_day.pupil.school_class_id)
        if key is not None and pupil_day.pupil.pk not in bespoke:
            fresh[key] = rendered
    if fresh:
        cache.set_many(fresh, FRAGMENT_SECONDS)

    result = []
    around: dict[int, tuple[datetime.date, datetime.date]] = {}
    for child in children:
        school = child.pupil.school
        if school.pk not in around:
            around[school.pk] = _neighbours(school, day)
        previous_day, next_day = around[school.pk]
        result.append(
            ChildDay(
                pupil=child.pupil,
                teachers=child.teachers,
                date=day,
                html=html[child.pupil.pk],
                previous_day=previous_day,
                next_day=next_day,
            )
        )
    return result
