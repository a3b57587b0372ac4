"""Text messages for families (issue 16, step 4): queued with the data, sent by a job, retried, never lost.

A carer is reached by their preferred channel, then the other, then the office's call-or-post list:

* email, where the carer has an address (the default preference);
* text, where they have a valid UK mobile number and a provider is set up, within the school's monthly
  allowance of segments (the office is emailed once a month when 80% is used);
* else an entry on the office's list, in English, saying what to tell the family and why.

A sign-in code always goes (a family must be able to sign in) but still counts against the allowance.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.languages import ENGLISH, language_of
from homelearning.core.mail import email_queue
from homelearning.people.models import Carer, School, Staff, User
from homelearning.texts import providers
from homelearning.texts.models import CallOrPost, OutboundText, TextAllowance
from homelearning.texts.phones import mobile_or_none
from homelearning.texts.segments import segments

WARN_AT_PERCENT = 80
MAX_SEGMENTS = 6


def month_start(now: datetime.datetime | None = None) -> datetime.datetime:
    local = timezone.localtime(now or clock.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def allowance_for(school: School) -> TextAllowance:
    allowance, _ = TextAllowance.objects.get_or_create(school=school)
    return allowance


def used_this_month(school: School) -> int:
    """Segments queued or sent this month (failed texts cost nothing)."""
    total = (
        OutboundText.objects.filter(school=school, created_at__gte=month_start())
        .exclude(status=OutboundText.Status.FAILED)
        .aggregate(n=Sum("segments"))["n"]
    )
    return int(total or 0)


def can_text(carer: Carer) -> bool:
    return providers.is_configured() and mobile_or_none(carer.phone) is not None


def channel_for(carer: Carer) -> str:
    """How to reach this carer now: "email", "text" or "office" (the call-or-post list)."""
    order = ["text", "email"] if carer.contact_by == Carer.ContactBy.TEXT else ["email", "text"]
    for channel in order:
        if channel == "email" and carer.email:
            return "email"
        if channel == "text" and can_text(carer):
            return "text"
    return "office"


@transaction.atomic
def text_queue(
    *,
    to: str,
    body: str,
    kind: str,
    school: School | None,
    carer: Carer | None = None,
    is_secret: bool = False,
    office_note: str = "",
) -> OutboundText | None:
    """Queue one text; None when it cannot go (no provider, a bad number, or the month's texts used up)."""
    number = mobile_or_none(to)
    if not providers.is_configured() or number is None:
        return None
    body = body.strip()
    count = segments(body)
    if count > MAX_SEGMENTS:
        raise ServiceError(f"A text may be at most {MAX_SEGMENTS} parts long; this one is {count}.")
    allowance = None
    if school is not None:
        allowance_for(school)
        allowance = TextAllowance.objects.select_for_update().get(school=school)
        used = used_this_month(school)
        if used + count > allowance.monthly_segments and not is_secret:
            return None
    text = OutboundText.objects.create(
        school=school,
        carer=carer,
        kind=kind,
        to=number,
        body=body,
        segments=count,
        is_secret=is_secret,
        office_note=office_note,
    )
    from homelearning.texts.tasks import send_text

    send_text.enqueue(text_id=text.pk)
    if allowance is not None and school is not None:
        _warn_if_near_limit(school, allowance, used + count)
    return text


def _warn_if_near_limit(school: School, allowance: TextAllowance, used: int) -> None:
    month = f"{month_start():%Y-%m}"
    if used * 100 < WARN_AT_PERCENT * allowance.monthly_segments or allowance.warned_for == month:
        return
    if not TextAllowance.objects.filter(pk=allowance.pk).exclude(warned_for=month).update(warned_for=month):
        return
    email_queue(
        to=school.office_email,
        subject=f"Texts: {used} of this month's {allowance.monthly_segments} used",
        body_text=(
            f"{school.name} has used {used} of its {allowance.monthly_segments} text segments for "
            f"{month_start():%B %Y} ({WARN_AT_PERCENT}% or more).\n\nOnce they are used up, families who have no "
            "email address go on the office's call-or-post list instead of getting a text (sign-in codes still "
            "go). A headteacher can change the monthly allowance on the Texts page."
        ),
        kind="texts.allowance_warning",
        school=school,
    )


@transaction.atomic
def text_or_office(*, carer: Carer, school: School, kind: str, text: str, office_note: str) -> str:
    """Send `text` to the carer's mobile, or put `office_note` on the office's list. Which it was."""
    if can_text(carer):
        queued = text_queue(to=carer.phone, body=text, kind=kind, school=school, carer=carer, office_note=office_note)
        if queued is not None:
            return "text"
        reason = CallOrPost.Reason.OVER_LIMIT
    else:
        reason = CallOrPost.Reason.NO_CONTACT
    office_list_add(carer=carer, school=school, kind=kind, message=office_note, reason=reason)
    return "office"


def tell_by_text(*, carer: Carer, school: School, kind: str, about: str, message: Callable[[], str]) -> str:
    """For a carer email does not reach: `message()` rendered in their language goes by text; else, rendered
    in English and headed with who it is for and `about` (the child, say), onto the office's list."""
    with language_of(carer):
        text = message()
    with translation.override(ENGLISH):
        note = f"Tell {carer.full_name} ({about}): {message()}"
    return text_or_office(carer=carer, school=school, kind=kind, text=text, office_note=note)


def office_list_add(*, carer: Carer, school: School, kind: str, message: str, reason: str) -> CallOrPost:
    return CallOrPost.objects.create(school=school, carer=carer, kind=kind, message=message[:2000], reason=reason)


@transaction.atomic
def office_list_done(*, entry: CallOrPost, by: Staff, how: str) -> CallOrPost:
    if how not in CallOrPost.Done.values:
        raise ServiceError("Choose whether you rang the family or posted it.")
    if not CallOrPost.objects.filter(pk=entry.pk, done="").update(done=how, done_at=clock.now(), done_by=by):
        raise InvalidTransition("Someone has already dealt with this.")
    audit(action="texts.office_list.done", actor=by.user, school=entry.school, target=entry, details={"how": how})
    return CallOrPost.objects.get(pk=entry.pk)


@transaction.atomic
def allowance_set(*, school: School, by: User, monthly_segments: int) -> TextAllowance:
    if not 0 <= monthly_segments <= 100_000:
        raise ServiceError("The monthly allowance must be between 0 and 100,000 segments.")
    allowance = allowance_for(school)
    was = allowance.monthly_segments
    TextAllowance.objects.filter(pk=allowance.pk).update(monthly_segments=monthly_segments, warned_for="")
    audit(
        action="texts.allowance_set",
        actor=by,
        school=school,
        target=allowance,
        details={"monthly_segments": monthly_segments, "was": was},
    )
    return TextAllowance.objects.get(pk=allowance.pk)
