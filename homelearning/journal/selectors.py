"""Every journal list and detail query, with its joins named."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet

from homelearning.core import clock
from homelearning.journal.models import CallRequest, Comment, Feedback, WorkFile, WorkItem
from homelearning.people.models import Pupil, School, SchoolClass, Staff
from homelearning.translation import services as machine


def _with_parts(items: QuerySet[WorkItem], *, hidden_comments: bool) -> QuerySet[WorkItem]:
    comments = Comment.objects.order_by("created_at", "pk")
    if not hidden_comments:
        comments = comments.filter(hidden_at__isnull=True)
    return items.select_related("pupil", "activity").prefetch_related(
        Prefetch("files", queryset=WorkFile.objects.order_by("position", "pk")),
        Prefetch("feedback", queryset=Feedback.objects.order_by("created_at", "pk")),
        Prefetch("comments", queryset=comments),
    )


def journal_for_pupil(pupil: Pupil, *, for_staff: bool) -> QuerySet[WorkItem]:
    items = WorkItem.objects.filter(pupil=pupil).order_by("-created_at", "-pk")
    if not for_staff:
        items = items.filter(hidden_at__isnull=True)
    return _with_parts(items, hidden_comments=for_staff)


def item_with_parts(item: WorkItem, *, for_staff: bool) -> WorkItem:
    return _with_parts(WorkItem.objects.filter(pk=item.pk), hidden_comments=for_staff).get()


def with_translations(items: Sequence[WorkItem], language: str) -> Sequence[WorkItem]:
    """Attach machine translations of the staff's words (feedback, their comments) for a family's reading."""
    words: list[Feedback | Comment] = []
    for item in items:
        words += item.feedback.all()
        words += [c for c in item.comments.all() if c.by_staff]
    machine.shown(words, ("text",), language)
    return items


def inbox_classes(classes: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    return (
        classes.select_related("year_group")
        .annotate(
            new_work=Count(
                "pupils__work_items",
                filter=Q(pupils__work_items__status=WorkItem.Status.NEW, pupils__work_items__hidden_at__isnull=True),
            )
        )
        .order_by("year_group__position", "name")
    )


def class_inbox(school_class: SchoolClass) -> QuerySet[WorkItem]:
    """New work, oldest first: the child who has waited longest is answered first."""
    return (
        WorkItem.objects.filter(pupil__school_class=school_class, status=WorkItem.Status.NEW, hidden_at__isnull=True)
        .select_related("pupil", "activity")
        .annotate(file_count=Count("files"))
        .order_by("created_at", "pk")
    )


def moderation_queue_items(items: QuerySet[WorkItem]) -> QuerySet[WorkItem]:
    return (
        items.filter(moderated_at__isnull=True)
        .select_related("pupil__school_class")
        .prefetch_related(Prefetch("files", queryset=WorkFile.objects.order_by("position", "pk")))
        .order_by("created_at", "pk")
    )


def moderation_queue_comments(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return (
        comments.filter(moderated_at__isnull=True)
        .select_related("item__pupil__school_class")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class ModerationSummary:
    last_reviewed_at: datetime.datetime | None
    oldest_waiting: datetime.datetime | None

    @property
    def overdue(self) -> bool:
        """Something has waited more than a week: last week's review was not finished."""
        return self.oldest_waiting is not None and self.oldest_waiting < clock.now() - datetime.timedelta(days=7)


def moderation_summary(items: QuerySet[WorkItem], comments: QuerySet[Comment]) -> ModerationSummary:
    item_stats = items.aggregate(
        last=Max("moderated_at"), oldest=Min("created_at", filter=Q(moderated_at__isnull=True))
    )
    comment_stats = comments.aggregate(
        last=Max("moderated_at"), oldest=Min("created_at", filter=Q(moderated_at__isnull=True))
    )
    lasts = [v for v in (item_stats["last"], comment_stats["last"]) if v is not None]
    oldest = [v for v in (item_stats["oldest"], comment_stats["oldest"]) if v is not None]
    return ModerationSummary(last_reviewed_at=max(lasts, default=None), oldest_waiting=min(oldest, default=None))


def open_calls(calls: QuerySet[CallRequest]) -> QuerySet[CallRequest]:
    """Calls still to make: today's and overdue scheduled calls first, then requests oldest first."""
    return (
        calls.filter(status=CallRequest.Status.OPEN)
        .select_related("pupil__school_class")
        .order_by(F("call_on").asc(nulls_last=True), "created_at", "pk")
    )


def calls_for_day(calls: QuerySet[CallRequest], day: datetime.date) -> QuerySet[CallRequest]:
    """Calls to make on `day`: scheduled for it or overdue, and families' requests still waiting."""
    return (
        calls.filter(status=CallRequest.Status.OPEN)
        .filter(Q(call_on__lte=day) | Q(call_on__isnull=True))
        .select_related("pupil__school_class")
        .order_by(F("call_on").asc(nulls_last=True), "created_at", "pk")
    )


@dataclass
class ReviewerRow:
    who: str
    items: int
    comments: int
    last: datetime.datetime


def reviewed_recently(
    items: QuerySet[WorkItem], comments: QuerySet[Comment], *, school: School, since: datetime.datetime
) -> list[ReviewerRow]:
    """Who reviewed how much since `since`, and when they last did: the record of the weekly check."""
    rows: dict[int, ReviewerRow] = {}
    for qs, key in ((items, "items"), (comments, "comments")):
        counted = (
            qs.filter(moderated_at__gte=since, moderated_by__isnull=False)
            .values("moderated_by")
            .annotate(n=Count("pk"), last=Max("moderated_at"))
            .order_by()
        )
        for row in counted:
            entry = rows.setdefault(row["moderated_by"], ReviewerRow(who="", items=0, comments=0, last=row["last"]))
            setattr(entry, key, row["n"])
            entry.last = max(entry.last, row["last"])
    names = {s.user_id: s.full_name for s in Staff.objects.filter(school=school, user_id__in=rows)}
    for user_id, entry in rows.items():
        entry.who = names.get(user_id) or "A former member of staff"
    return sorted(rows.values(), key=lambda r: r.last, reverse=True)


# How far back a parent's home page looks for feedback to point out.
RECENT_FEEDBACK_DAYS = 7


@dataclass(frozen=True)
class FamilyNews:
    feedback: list[Feedback]
    calls: list[CallRequest]


def family_news(*, pupil_ids: list[int], asked_by_id: int, now: datetime.datetime) -> FamilyNews:
    """For a parent's home page: feedback on their children's work in the last week, newest first, and the
    calls they asked for that the school has not yet made (their own requests only)."""
    feedback = list(
        Feedback.objects.filter(
            item__pupil_id__in=pupil_ids, created_at__gte=now - datetime.timedelta(days=RECENT_FEEDBACK_DAYS)
        )
        .select_related("item__pupil", "item__activity")
        .order_by("-created_at", "-pk")[:10]
    )
    calls = list(
        CallRequest.objects.filter(
            pupil_id__in=pupil_ids, asked_by_id=asked_by_id, by_staff=False, status=CallRequest.Status.OPEN
        )
        .select_related("pupil")
        .order_by("created_at", "pk")
    )
    return FamilyNews(feedback=feedback, calls=calls)
