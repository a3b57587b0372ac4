"""Reads for paper packs. Each names its joins, so the office page costs the same for 3 packs or 300."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from homelearning.packs.models import Pack, PackBatch
from homelearning.people.models import Pupil, School
from homelearning.provision.selectors import remote_days

OFFER_AHEAD_DAYS = 14


def _packs(packs: QuerySet[Pack]) -> QuerySet[Pack]:
    return packs.select_related("pupil__school_class", "call")


@dataclass
class Offer:
    pupil: Pupil
    first_day: datetime.date


@dataclass
class Dashboard:
    due_today: list[Pack]
    at_risk: list[Pack]
    late: list[Pack]
    not_ready: list[Pack]
    ready: list[Pack]
    awaiting_return: list[Pack]
    awaiting_review: list[Pack]
    awaiting_call: list[Pack]
    offers: list[Offer]
    batches: list[PackBatch] = field(default_factory=list)

    @property
    def overdue_returns(self) -> list[Pack]:
        return [p for p in self.awaiting_return if getattr(p, "return_overdue", False)]


def offers(*, school: School, pupils: QuerySet[Pupil], today: datetime.date) -> list[Offer]:
    """Children without a device or the internet who are (or are about to be) learning at home and have no
    open pack for their first remote day: the office can offer one before anyone asks."""
    needing = list(
        pupils.filter(school=school, left_on__isnull=True)
        .exclude(has_device=True, has_internet=True)
        .select_related("school_class")
        .order_by("school_class__name", "surname")
    )
    if not needing:
        return []
    days = remote_days(
        school=school,
        start=today,
        end=today + datetime.timedelta(days=OFFER_AHEAD_DAYS),
        pupil_ids=[p.pk for p in needing],
    )
    covered: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for pupil_id, first, last in Pack.objects.filter(
        pupil_id__in=list(days), status__in=Pack.OPEN_STATUSES, last_day__gte=today
    ).values_list("pupil_id", "first_day", "last_day"):
        covered.setdefault(pupil_id, []).append((first, last))
    result = []
    for pupil in needing:
        open_days = sorted(
            d for d in days.get(pupil.pk, set()) if not any(a <= d <= b for a, b in covered.get(pupil.pk, []))
        )
        if open_days:
            result.append(Offer(pupil=pupil, first_day=open_days[0]))
    return result


def dashboard(
    *, school: School, packs: QuerySet[Pack], pupils: QuerySet[Pupil], now: datetime.datetime, at_risk_minutes: int
) -> Dashboard:
    today = timezone.localdate(now)
    rows = list(_packs(packs.filter(school=school, status__in=Pack.OPEN_STATUSES)).order_by("due_at", "pk"))
    risk_from = now + datetime.timedelta(minutes=at_risk_minutes)
    not_ready = [p for p in rows if p.status in Pack.NOT_READY_STATUSES]
    for p in rows:
        p.return_overdue = bool(p.return_by and p.status == Pack.Status.COLLECTED and p.return_by < today)  # type: ignore[attr-defined]
    return Dashboard(
        due_today=[p for p in not_ready if timezone.localdate(p.due_at) == today and p.due_at >= now],
        at_risk=[p for p in not_ready if now <= p.due_at <= risk_from],
        late=[p for p in not_ready if p.due_at < now],
        not_ready=not_ready,
        ready=[p for p in rows if p.status == Pack.Status.READY],
        awaiting_return=[p for p in rows if p.status == Pack.Status.COLLECTED],
        awaiting_review=[p for p in rows if p.status == Pack.Status.RETURNED],
        awaiting_call=[p for p in rows if p.status == Pack.Status.REVIEWED],
        offers=offers(school=school, pupils=pupils, today=today),
        batches=list(
            PackBatch.objects.filter(school=school).select_related("school_class").order_by("-created_at")[:5]
        ),
    )


def packs_for_pupil(pupil: Pupil) -> list[Pack]:
    return list(
        Pack.objects.filter(pupil=pupil)
        .select_related(
            "requested_by", "compiled_by", "ready_by", "return_recorded_by", "reviewed_by", "call__called_by"
        )
        .order_by("-first_day", "-pk")[:20]
    )


def pack_detail(pack: Pack) -> Pack:
    return Pack.objects.select_related(
        "pupil__school_class__year_group",
        "school",
        "requested_by",
        "compiled_by",
        "ready_by",
        "collection_recorded_by",
        "return_recorded_by",
        "reviewed_by",
        "call__called_by",
    ).get(pk=pack.pk)


@dataclass
class Step:
    label: str
    done_at: datetime.datetime | None
    by: str = ""
    detail: str = ""


def steps(pack: Pack) -> list[Step]:
    """The pack's life so far and still to come, for its page and the pupil's page."""

    def name(staff: object) -> str:
        return getattr(staff, "display_name", "") if staff else ""

    result = [
        Step("Requested", pack.requested_at, name(pack.requested_by), pack.get_requested_via_display()),
        Step("Printed", pack.compiled_at, name(pack.compiled_by), f"{pack.pages} pages" if pack.pages else ""),
        Step(
            "Ready for collection",
            pack.ready_at,
            name(pack.ready_by),
            f"{pack.carers_told} carer{'s' if pack.carers_told != 1 else ''} told" if pack.ready_at else "",
        ),
        Step("Collected", pack.collected_at, pack.collected_by_name),
        Step("Returned", pack.returned_at, name(pack.return_recorded_by)),
        Step("Reviewed by the teacher", pack.reviewed_at, name(pack.reviewed_by)),
        Step("Follow-up call", pack.called_at, name(pack.call.called_by) if pack.call else ""),
    ]
    return result
