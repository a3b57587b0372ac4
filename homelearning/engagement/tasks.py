"""Engagement background work: each class teacher's morning email of children gone quiet, sent only when
their list has changed since the last one (a child added, or a child's status moved)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from homelearning.core import clock
from homelearning.core.calendar import SchoolCalendar
from homelearning.core.mail import email_queue
from homelearning.engagement.models import QuietDigest
from homelearning.engagement.selectors import Engagement, engagement_for
from homelearning.people.models import ClassStaff, School, Staff


def _fingerprint(rows: list[Engagement]) -> str:
    return ",".join(sorted(f"{r.pupil.pk}:{r.status}" for r in rows))


def _body(staff: Staff, rows: list[Engagement]) -> str:
    lines = [f"- {r.pupil.full_name} ({r.pupil.school_class.name}): {r.label}" for r in rows]
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("home")
    return (
        f"Good morning {staff.first_name},\n\n"
        f"{len(rows)} {'child' if len(rows) == 1 else 'children'} in your class learning at home "
        f"{'has' if len(rows) == 1 else 'have'} had nothing from home for a while "
        "(no plan opened, no work sent, no feedback read):\n\n" + "\n".join(lines) + "\n\n"
        f"Ask for a call from your home page: {link}\n\n"
        "You get this email only when the list changes.\n"
    )


def digest_for_school(school: School) -> int:
    """Email each class teacher of `school` whose quiet list changed; returns the emails queued."""
    now = clock.now()
    today = clock.today()
    if not SchoolCalendar.load(school, today, today).is_working_day(today):
        return 0
    quiet = [e for e in engagement_for(school, today=today) if e.is_quiet]
    by_class: dict[int, list[Engagement]] = defaultdict(list)
    for row in quiet:
        by_class[row.pupil.school_class_id].append(row)
    teachers: dict[int, tuple[Staff, list[Engagement]]] = {}
    for link in ClassStaff.objects.filter(
        school_class__school=school, kind=ClassStaff.Kind.TEACHER, staff__is_active=True
    ).select_related("staff__user"):
        staff, rows = teachers.setdefault(link.staff_id, (link.staff, []))
        rows.extend(by_class.get(link.school_class_id, []))
    last = {d.staff_id: d for d in QuietDigest.objects.filter(staff_id__in=list(teachers))}
    sent = 0
    for staff_id, (staff, rows) in teachers.items():
        fingerprint = _fingerprint(rows)
        previous = last.get(staff_id)
        if previous is not None and previous.fingerprint == fingerprint:
            continue
        with transaction.atomic():
            # A conditional write: two digest runs at once send one email.
            if previous is None:
                _, created = QuietDigest.objects.get_or_create(
                    staff=staff, defaults={"fingerprint": fingerprint, "checked_at": now}
                )
                changed = created
            else:
                changed = bool(
                    QuietDigest.objects.filter(pk=previous.pk, fingerprint=previous.fingerprint).update(
                        fingerprint=fingerprint, checked_at=now, sent_at=now if rows else previous.sent_at
                    )
                )
            if changed and rows:
                rows.sort(key=lambda r: (r.status != "not_reached", -r.quiet_days, r.pupil.surname))
                email_queue(
                    to=staff.user.email,
                    subject=f"Children gone quiet: {len(rows)}",
                    body_text=_body(staff, rows),
                    kind="engagement.quiet_digest",
                    school=school,
                )
                if previous is None:
                    QuietDigest.objects.filter(staff=staff).update(sent_at=now)
                sent += 1
    return sent


@task()
def quiet_digest() -> int:
    """Run daily (DAILY_TASKS): each school's class teachers hear of children gone quiet when their list changes."""
    return sum(digest_for_school(school) for school in School.objects.order_by("pk"))
