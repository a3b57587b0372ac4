"""Engagement writes: the plan-opened signal, feedback read, and the school's setting."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.engagement.models import EngagementSettings, PlanOpening
from homelearning.journal.models import CallRequest, Feedback
from homelearning.journal.services import call_request
from homelearning.people.models import Pupil, School, Staff

# A day's opening is remembered in the cache for longer than the day, so the second and later page loads
# of a family's day cost one cache read and no query.
OPENED_SECONDS = 36 * 3600


def _opened_key(pupil_id: int, day: datetime.date) -> str:
    return f"engagement:opened:v1:{pupil_id}:{day.isoformat()}"


def plan_opened(*, pupils: Sequence[Pupil], day: datetime.date, by: str = PlanOpening.By.CARER) -> int:
    """Record that these children's plan for `day` was seen; returns how many rows were new to the cache.

    One row a child a day. `bulk_create(ignore_conflicts=True)` makes a second writer (another carer, another
    worker) harmless, and the cache means only a day's first page load writes at all.
    """
    if not pupils:
        return 0
    keys = {_opened_key(p.pk, day): p for p in pupils}
    known = cache.get_many(list(keys))
    new = [p for key, p in keys.items() if key not in known]
    if not new:
        return 0
    now = clock.now()
    PlanOpening.objects.bulk_create(
        [PlanOpening(school_id=p.school_id, pupil=p, day=day, by=by, first_at=now) for p in new],
        ignore_conflicts=True,
    )
    cache.set_many({_opened_key(p.pk, day): 1 for p in new}, OPENED_SECONDS)
    return len(new)


def feedback_read(*, feedback: Iterable[Feedback]) -> int:
    """A carer is reading this feedback (already loaded for the page): the unread rows are now read.

    A conditional update, so the first reading's time stays; a page with nothing unread costs no query."""
    unread = [f.pk for f in feedback if f.read_at is None]
    if not unread:
        return 0
    return Feedback.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=clock.now())


def settings_for(school: School) -> EngagementSettings:
    return EngagementSettings.objects.get_or_create(school=school)[0]


@transaction.atomic
def settings_change(*, school: School, by: Staff, quiet_after_school_days: int) -> EngagementSettings:
    if not 1 <= quiet_after_school_days <= 10:
        raise ServiceError("Choose between 1 and 10 school days.")
    current = settings_for(school)
    EngagementSettings.objects.filter(pk=current.pk).update(
        quiet_after_school_days=quiet_after_school_days, updated_by=by, updated_at=clock.now()
    )
    audit(
        action="engagement.settings.change",
        actor=by.user,
        school=school,
        details={"quiet_after_school_days": quiet_after_school_days, "was": current.quiet_after_school_days},
    )
    return EngagementSettings.objects.get(pk=current.pk)


QUIET_CALL_REASON = "Nothing from home for {days} school days: a call to see how learning at home is going."


@transaction.atomic
def ask_for_call(*, pupil: Pupil, by: Staff, quiet_days: int) -> CallRequest:
    """One click from the quiet list: a call for today in the class's call list. One open call a child is enough:
    a second click (or a second teacher) gets the call already asked for, and nothing new is written."""
    # Lock the pupil so two clicks at once make one call, on PostgreSQL and SQLite alike.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    existing = (
        CallRequest.objects.filter(pupil=pupil, status=CallRequest.Status.OPEN).order_by("created_at", "pk").first()
    )
    if existing is not None:
        raise ServiceError(f"A call to {pupil.full_name}'s family is already in the call list.")
    call = call_request(
        pupil=pupil,
        by=by.user,
        by_label=by.display_name,
        reason=QUIET_CALL_REASON.format(days=max(quiet_days, 1)),
        by_staff=True,
        call_on=clock.today(),
    )
    audit(action="engagement.call.ask", actor=by.user, school=pupil.school, target=pupil, details={"call": call.code})
    return call
