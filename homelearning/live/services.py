"""Every write in the live app: scheduling, invitations, the waiting room, admitting and ending."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from homelearning.core import clock, family
from homelearning.core.audit import audit, audit_many
from homelearning.core.calendar import SchoolCalendar
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.jobs import enqueue_many
from homelearning.core.languages import language_of
from homelearning.core.mail import Attachment, Outgoing, email_queue, email_queue_many
from homelearning.live.agreement import AGREEMENT_V1, agreement_rules
from homelearning.live.ics import invitation_ics
from homelearning.live.models import (
    OPENS_MINUTES_BEFORE,
    Invitation,
    InvitationRecipient,
    LiveAgreement,
    LiveBan,
    LiveIncident,
    LiveSession,
    LiveSettings,
)
from homelearning.live.providers import (
    PROVIDER_LABELS,
    Room,
    configured_providers,
    default_provider_name,
    provider_named,
)
from homelearning.people.models import (
    Carer,
    ClassStaff,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    User,
)
from homelearning.people.selectors import policy_in_force
from homelearning.texts.services import channel_for, tell_by_text

STAFF_IN_ROOM = 2  # host and monitor


def agreement_current() -> LiveAgreement:
    """The newest published agreement (version 1 is seeded from the policy's text on first use)."""
    agreement = LiveAgreement.objects.order_by("-version").first()
    if agreement is None:
        agreement, _ = LiveAgreement.objects.get_or_create(
            version=1, defaults={"text": AGREEMENT_V1, "published_at": clock.now()}
        )
    return agreement


def room_for(session: LiveSession) -> Room:
    return Room(
        meeting_id=f"hl-{session.code}",
        name=session.title,
        minutes=session.minutes,
        max_participants=session.invitations.exclude(status=Invitation.Status.HELD).count() + STAFF_IN_ROOM,
        create_time=session.provider_create_time,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        # The staff members' school accounts are their Teams accounts (LIV-01: the professional account).
        host_account=session.host.user.email,
        monitor_account=session.monitor.user.email,
        provider_meeting_id=session.provider_meeting_id,
        provider_join_url=session.provider_join_url,
    )


def provider_for_school(school: School) -> str:
    """The school's chosen provider if the server has its credentials, else the server's default."""
    chosen = LiveSettings.objects.filter(school=school).values_list("provider", flat=True).first()
    if chosen and chosen in configured_providers():
        return chosen
    return default_provider_name()


def _has_role(staff: Staff, *roles: str) -> bool:
    return StaffRole.objects.filter(staff=staff, role__in=roles).exists()


@transaction.atomic
def live_settings_change(*, school: School, by: Staff, provider: str) -> LiveSettings:
    """The headteacher chooses the school's video provider among those the server is configured for."""
    if by.school_id != school.pk or not by.is_active or not _has_role(by, Role.HEADTEACHER):
        raise PermissionRefused("Only the headteacher chooses the video service.")
    if provider and provider not in configured_providers():
        label = PROVIDER_LABELS.get(provider, provider)
        raise ServiceError(f"{label} is not set up on this server. Ask your technical support to configure it first.")
    live_settings, _ = LiveSettings.objects.update_or_create(
        school=school, defaults={"provider": provider, "updated_by": by, "updated_at": clock.now()}
    )
    audit(action="live.settings.change", actor=by.user, school=school, details={"provider": provider or "default"})
    return live_settings


def active_ban(*, pupil: Pupil, start: datetime.datetime, end: datetime.datetime) -> LiveBan | None:
    """A ban (not lifted) whose period overlaps [start, end)."""
    return (
        LiveBan.objects.filter(pupil=pupil, lifted_at__isnull=True, starts_at__lt=end, ends_at__gt=start)
        .order_by("-ends_at")
        .first()
    )


def ban_refusal(pupil: Pupil, ban: LiveBan | None) -> str:
    if ban is None:
        return f"{pupil.first_name} cannot join this live session. Please contact the school office."
    return _ban_message(pupil, ban)


def _ban_message(pupil: Pupil, ban: LiveBan) -> str:
    until = timezone.localtime(ban.ends_at)
    return (
        f"{pupil.first_name} cannot join live sessions until {until:%-d %B %Y}, "
        "because the Live Remote Learning Agreement was not followed. The school will call you about it."
    )


def _check_not_banned(invitation: Invitation) -> None:
    session = invitation.session
    ban = active_ban(pupil=invitation.pupil, start=session.starts_at, end=session.ends_at)
    if ban is not None:
        raise PermissionRefused(_ban_message(invitation.pupil, ban))


def invitation_recipient(pupil: Pupil) -> Carer | None:
    """Who receives the child's invitations: the carer the office chose (LIV-09), else the primary carer."""
    return invitation_recipients([pupil])[pupil.pk]


def invitation_recipients(pupils: list[Pupil]) -> dict[int, Carer | None]:
    """`invitation_recipient` for many children in two queries: pupil id → carer (or None)."""
    ids = [p.pk for p in pupils]
    found: dict[int, Carer | None] = {pk: None for pk in ids}
    for link in PupilCarer.objects.filter(pupil_id__in=ids, is_primary=True).select_related("carer"):
        found[link.pupil_id] = link.carer
    # The office's choice wins over the primary carer; should two be open, the newest (last here) wins.
    chosen = InvitationRecipient.objects.filter(pupil_id__in=ids, ended_at__isnull=True).select_related("carer")
    for recipient in chosen.order_by("pk"):
        found[recipient.pupil_id] = recipient.carer
    return found


def _is_class_staff(staff: Staff, school_class: SchoolClass) -> bool:
    return ClassStaff.objects.filter(
        school_class=school_class,
        staff=staff,
        kind__in=[ClassStaff.Kind.TEACHER, ClassStaff.Kind.TEACHING_ASSISTANT],
    ).exists()


@transaction.atomic
def session_schedule(
    *,
    by: Staff,
    school_class: SchoolClass,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    minutes: int,
    monitor: Staff,
    pupils: list[Pupil],
) -> LiveSession:
    """Book a live session within the policy and invite each child's primary carer."""
    family.news_changed(by.school_id)  # parents' home pages show this (core.family)
    if timezone.is_naive(starts_at):
        raise ServiceError("The start time needs a time zone.")
    (session,) = _book(
        by=by,
        school_class=school_class,
        kind=kind,
        title=title,
        starts=[starts_at],
        minutes=minutes,
        monitor=monitor,
        pupils=pupils,
    )
    return session


def _check_booking(
    *, by: Staff, school_class: SchoolClass, kind: str, minutes: int, monitor: Staff, pupils: list[Pupil]
) -> None:
    school = school_class.school
    if by.school_id != school.pk or not by.is_active or not _is_class_staff(by, school_class):
        raise PermissionRefused("Only a teacher or teaching assistant of the class can set up a live session.")
    if kind not in LiveSession.Kind.values:
        raise ServiceError("Choose the kind of session.")
    if monitor.pk == by.pk:
        raise ServiceError("The second member of staff watching the session must be a different person.")
    if monitor.school_id != school.pk or not monitor.is_active:
        raise ServiceError("The second member of staff must work at this school.")
    policy = policy_in_force(school)
    if minutes < 1:
        raise ServiceError("A session lasts at least one minute.")
    if minutes > policy.live_max_minutes:
        raise ServiceError(f"A live session can last at most {policy.live_max_minutes} minutes (school policy).")
    if not pupils:
        raise ServiceError("Invite at least one child.")
    if len({p.pk for p in pupils}) > policy.live_max_children:
        raise ServiceError(f"A live session can have at most {policy.live_max_children} children (school policy).")
    if any(p.school_class_id != school_class.pk or p.left_on is not None for p in pupils):
        raise ServiceError("Only children on roll in this class can be invited.")


def _book(
    *,
    by: Staff,
    school_class: SchoolClass,
    kind: str,
    title: str,
    starts: list[datetime.datetime],
    minutes: int,
    monitor: Staff,
    pupils: list[Pupil],
) -> list[LiveSession]:
    """Book the sessions (school days, checked by the caller) and invite each child to each.

    A constant number of queries however many weeks and children: recipients and bans are fetched once
    for all, and sessions, invitations, emails, audit entries and time-up jobs are each one INSERT.
    """
    _check_booking(by=by, school_class=school_class, kind=kind, minutes=minutes, monitor=monitor, pupils=pupils)
    if any(start <= clock.now() for start in starts):
        raise ServiceError("The start must be in the future.")
    school = school_class.school
    days = [timezone.localdate(start) for start in starts]
    calendar = SchoolCalendar.load(school, min(days), max(days))
    if not all(calendar.is_school_day(day) for day in days):
        raise ServiceError("The start must be on a school day.")
    provider = provider_for_school(school)
    sessions = LiveSession.objects.bulk_create(
        LiveSession(
            school=school,
            school_class=school_class,
            kind=kind,
            title=title.strip() or LiveSession.Kind(kind).label,
            starts_at=start,
            minutes=minutes,
            host=by,
            monitor=monitor,
            provider=provider,
        )
        for start in starts
    )
    children = sorted({p.pk: p for p in pupils}.values(), key=lambda p: p.pk)
    recipients = invitation_recipients(children)
    bans = list(
        LiveBan.objects.filter(
            pupil__in=children,
            lifted_at__isnull=True,
            starts_at__lt=sessions[-1].ends_at,
            ends_at__gt=sessions[0].starts_at,
        )
    )
    invitations = []
    for session in sessions:
        for pupil in children:
            # A child denied live sessions for this period (LIV-11): the invitation is held, not sent.
            held = any(
                b.pupil_id == pupil.pk and b.starts_at < session.ends_at and b.ends_at > session.starts_at for b in bans
            )
            invitations.append(
                Invitation(
                    session=session,
                    pupil=pupil,
                    carer=recipients[pupil.pk],
                    status=Invitation.Status.HELD if held else Invitation.Status.INVITED,
                )
            )
    Invitation.objects.bulk_create(invitations)
    agreement = agreement_current()
    _tell_invited([i for i in invitations if i.status == Invitation.Status.INVITED and i.carer is not None], agreement)
    transaction.on_commit(lambda: _enqueue_time_up(*sessions))
    audit_many(
        action="live.schedule",
        actor=by.user,
        school=school,
        targets=[
            (session, {"children": len(children), "minutes": minutes, "monitor": monitor.code}) for session in sessions
        ],
    )
    return sessions


def _enqueue_time_up(*sessions: LiveSession) -> None:
    from homelearning.live.tasks import session_time_up

    enqueue_many(session_time_up, [({"session_id": s.pk}, s.ends_at) for s in sessions])


def _email_invitation(*, invitation: Invitation, agreement: LiveAgreement) -> None:
    _tell_invited([invitation], agreement)


def _tell_invited(invitations: Sequence[Invitation], agreement: LiveAgreement) -> None:
    """Email each invited carer; text one who has no email (or asked for texts), else the office rings."""
    emails = []
    for invitation in invitations:
        carer = invitation.carer
        if carer is None:
            continue
        if channel_for(carer) == "email":
            emails.append(_invitation_email(invitation=invitation, agreement=agreement))
            continue
        tell_by_text(
            carer=carer,
            school=invitation.session.school,
            kind="live_invitation",
            about=f"{invitation.pupil.first_name}, {invitation.session.title!r}",
            message=partial(_invitation_text, invitation),
        )
    email_queue_many(emails)


def _day_at_time(moment: datetime.datetime) -> str:
    """ "Wednesday 13 January at 10:00", in the active language."""
    return _("%(day)s at %(time)s") % {"day": date_format(moment, "l j F"), "time": date_format(moment, "H:i")}


def _invitation_text(invitation: Invitation) -> str:
    """The invitation as a text, in the active language: the link still works only for this carer, signed in."""
    link = settings.SITE_URL + reverse("live:invitation", args=[invitation.code])
    words = _("%(child)s is invited to a live session, %(when)s. Sign in to Home Learning and open: %(link)s")
    when = _day_at_time(timezone.localtime(invitation.session.starts_at))
    return words % {"child": invitation.pupil.first_name, "when": when, "link": link}


def _invitation_email(*, invitation: Invitation, agreement: LiveAgreement) -> Outgoing:
    carer = invitation.carer
    assert carer is not None  # noqa: S101 - the caller has checked
    with language_of(carer):  # In the carer's own language (issue 16).
        return _invitation_email_in_language(invitation=invitation, agreement=agreement, carer=carer)


def _invitation_email_in_language(*, invitation: Invitation, agreement: LiveAgreement, carer: Carer) -> Outgoing:
    session = invitation.session
    school_class = session.school_class
    link = settings.SITE_URL + reverse("live:invitation", args=[invitation.code])
    calendar = settings.SITE_URL + reverse("live:invitation_calendar", args=[invitation.code])
    local = timezone.localtime(session.starts_at)
    rules = "\n".join(f"- {line}" for line in agreement_rules(agreement.text))
    body = (
        _("Dear %(carer)s,") % {"carer": carer.full_name}
        + "\n\n"
        + _("%(child)s is invited to %(title)s with %(class_name)s class.")
        % {"child": invitation.pupil.first_name, "title": session.title, "class_name": school_class.name}
        + "\n\n"
        + _("Date: %(day)s") % {"day": date_format(local, "l j F Y")}
        + "\n"
        + _("Time: %(start)s to %(end)s")
        % {"start": date_format(local, "H:i"), "end": date_format(timezone.localtime(session.ends_at), "H:i")}
        + "\n\n"
        + _("Sign in to Home Learning and open this link from 10 minutes before the start:")
        + f"\n{link}\n\n"
        + _("The link works only for you, only for this session. Please do not share it.")
        + "\n"
        + _("The attached calendar file (invitation.ics) adds it to your phone's calendar; or, after signing in:")
        + f" {calendar}\n"
        + _("You will wait in the waiting room until a member of staff lets your child in.")
        + "\n\n"
        + _("The Live Remote Learning Agreement (version %(version)s):") % {"version": agreement.version}
        + f"\n{rules}\n\n"
        + _("%(class_name)s class, %(school)s") % {"class_name": school_class.name, "school": session.school.name}
        + "\n"
    )
    return Outgoing(
        to=carer.email,
        subject=_("Live session for %(child)s: %(when)s")
        % {"child": invitation.pupil.first_name, "when": _day_at_time(local)},
        body_text=body,
        kind="live_invitation",
        school=session.school,
        from_email=school_class.email or None,
        reply_to=school_class.email,
        attachments=[
            Attachment(
                filename="invitation.ics",
                content=invitation_ics(invitation=invitation, link=link),
                mimetype="text/calendar; method=PUBLISH; charset=utf-8",
            )
        ],
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User,
    carer: Carer | None,
    agreement: LiveAgreement,
    now: datetime.datetime | None = None,
) -> Invitation:
    """The carer accepts the agreement for themselves and the child, and joins the waiting room."""
    family.news_changed(invitation.session.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    if not invitation.session.is_open(now):
        raise InvalidTransition("This session is not open.")
    _check_not_banned(invitation)
    updated = Invitation.objects.filter(
        pk=invitation.pk, status=Invitation.Status.INVITED, session__status=LiveSession.Status.SCHEDULED
    ).update(
        status=Invitation.Status.WAITING,
        agreement=agreement,
        accepted_by=user,
        accepted_carer=carer,
        accepted_at=now,
    )
    if updated != 1:
        raise InvalidTransition(
            "This invitation can no longer be accepted: the session has ended or you accepted it already."
        )
    audit(
        action="live.agreement_accept",
        actor=user,
        school=invitation.session.school,
        target=invitation,
        details={"agreement_version": agreement.version},
    )
    return Invitation.objects.get(pk=invitation.pk)


def _check_can_admit(session: LiveSession, by: Staff) -> None:
    if by.pk not in (session.host_id, session.monitor_id):
        raise PermissionRefused("Only the host or the second member of staff can let children in.")


def session_open_room(*, session: LiveSession) -> LiveSession:
    """Book the meeting with the provider once (outside any transaction: it is a network call)."""
    if session.provider_started:
        return session
    provider = provider_named(session.provider)
    room = room_for(session)
    booking = provider.create(room)
    won = LiveSession.objects.filter(pk=session.pk, provider_started=False).update(
        provider_started=True,
        provider_create_time=booking.create_time,
        provider_meeting_id=booking.meeting_id,
        provider_join_url=booking.join_url,
    )
    session.refresh_from_db()
    if not won and booking.meeting_id and booking.meeting_id != session.provider_meeting_id:
        # Host and monitor opened the room at the same moment and the other booking was kept. A provider
        # that books by our own id (BigBlueButton) gave both the same meeting; one that makes a new
        # meeting each time (Teams) gave this one its own: close it, so no second join address lives on.
        provider.end(replace(room, provider_meeting_id=booking.meeting_id))
    return session


def invitation_admit(*, invitation: Invitation, by: Staff, now: datetime.datetime | None = None) -> Invitation:
    family.news_changed(invitation.session.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    session = invitation.session
    _check_can_admit(session, by)
    if not session.is_open(now):
        raise InvalidTransition("This session is not open, so nobody can be let in.")
    _check_not_banned(invitation)
    session_open_room(session=session)
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.WAITING, session__status=LiveSession.Status.SCHEDULED
        ).update(status=Invitation.Status.ADMITTED, admitted_at=now, decided_by=by)
        if updated != 1:
            raise InvalidTransition("This child is no longer waiting.")
        audit(action="live.admit", actor=by.user, school=session.school, target=invitation)
    return Invitation.objects.get(pk=invitation.pk)


@transaction.atomic
def invitation_deny(
    *, invitation: Invitation, by: Staff, reason: str = "", now: datetime.datetime | None = None
) -> Invitation:
    """Turn a waiting child away, or remove one already let in; their link no longer works for this session."""
    family.news_changed(invitation.session.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    _check_can_admit(invitation.session, by)
    updated = Invitation.objects.filter(
        pk=invitation.pk, status__in=[Invitation.Status.WAITING, Invitation.Status.ADMITTED]
    ).update(status=Invitation.Status.DENIED, denied_at=now, decided_by=by, denied_reason=reason.strip()[:2000])
    if updated != 1:
        raise InvalidTransition("This child is no longer waiting.")
    audit(
        action="live.deny",
        actor=by.user,
        school=invitation.session.school,
        target=invitation,
        details={"was": invitation.status, "reason_given": bool(reason.strip())},
    )
    return Invitation.objects.get(pk=invitation.pk)


def session_end(
    *, session: LiveSession, by: Staff, risk_reason: str = "", now: datetime.datetime | None = None
) -> LiveSession:
    """End the session for everyone; a perceived risk is logged as an incident."""
    family.news_changed(session.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    if by.pk != session.host_id:
        raise PermissionRefused("Only the host can end the session for everyone.")
    with transaction.atomic():
        updated = LiveSession.objects.filter(pk=session.pk, status=LiveSession.Status.SCHEDULED).update(
            status=LiveSession.Status.ENDED, ended_at=now, ended_by=by
        )
        if updated != 1:
            raise InvalidTransition("This session has already ended.")
        if risk_reason.strip():
            LiveIncident.objects.create(session=session, reported_by=by, reason=risk_reason.strip())
        audit(
            action="live.end",
            actor=by.user,
            school=session.school,
            target=session,
            details={"risk": bool(risk_reason.strip())},
        )
        ended = LiveSession.objects.get(pk=session.pk)
        if ended.provider_started:
            # Joins are already refused by Home Learning; the provider call closes the room itself.
            transaction.on_commit(lambda: _provider_end(ended.pk))
    return ended


def session_cancel(*, session: LiveSession, by: Staff, now: datetime.datetime | None = None) -> LiveSession:
    """Call off a session before its waiting room opens; the families of the children invited are told."""
    family.news_changed(session.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    if by.pk != session.host_id:
        raise PermissionRefused("Only the host can cancel the session.")
    opens_after = now + datetime.timedelta(minutes=OPENS_MINUTES_BEFORE)
    with transaction.atomic():
        updated = LiveSession.objects.filter(
            pk=session.pk, status=LiveSession.Status.SCHEDULED, starts_at__gt=opens_after
        ).update(status=LiveSession.Status.CANCELLED, ended_at=now, ended_by=by)
        if updated != 1:
            raise InvalidTransition(
                "This session can no longer be cancelled: its waiting room has opened or it has ended. "
                "End it for everyone instead."
                if session.status == LiveSession.Status.SCHEDULED
                else "This session can no longer be cancelled: it has already ended or been cancelled."
            )
        cancelled = LiveSession.objects.select_related("school", "school_class").get(pk=session.pk)
        told = Invitation.objects.filter(
            session=cancelled,
            status__in=(Invitation.Status.INVITED, Invitation.Status.WAITING),
            carer__isnull=False,
        ).select_related("pupil", "carer")
        email_queue_many([_cancellation_email(session=cancelled, invitation=i) for i in told])
        audit(action="live.cancel", actor=by.user, school=session.school, target=session)
        if cancelled.provider_started:
            transaction.on_commit(lambda: _provider_end(cancelled.pk))
    return cancelled


def _cancellation_email(*, session: LiveSession, invitation: Invitation) -> Outgoing:
    carer = invitation.carer
    assert carer is not None  # noqa: S101 - the query asked for a carer
    with language_of(carer):  # In the carer's own language (issue 16).
        return _cancellation_email_in_language(session=session, invitation=invitation, carer=carer)


def _cancellation_email_in_language(*, session: LiveSession, invitation: Invitation, carer: Carer) -> Outgoing:
    local = timezone.localtime(session.starts_at)
    when = _day_at_time(local)
    school_class = session.school_class
    body = _(
        "Dear %(carer)s,\n\n"
        "%(title)s with %(class_name)s class on %(when)s is cancelled. %(child)s's invitation no longer works.\n\n"
        "Learning continues as usual: %(child)s's plan for the day is on Home Learning.\n\n"
        "%(class_name)s class, %(school)s\n"
    ) % {
        "carer": carer.full_name,
        "title": session.title,
        "class_name": school_class.name,
        "when": when,
        "child": invitation.pupil.first_name,
        "school": session.school.name,
    }
    return Outgoing(
        to=carer.email,
        subject=_("Live session cancelled: %(when)s") % {"when": when},
        body_text=body,
        kind="live_cancelled",
        school=session.school,
        from_email=school_class.email or None,
        reply_to=school_class.email,
    )


def session_expire(*, session: LiveSession, now: datetime.datetime | None = None) -> bool:
    """At the time limit the session ends for everyone (LIV-08), as if the host had ended it."""
    now = now or clock.now()
    if session.ends_at > now:
        return False
    with transaction.atomic():
        updated = LiveSession.objects.filter(pk=session.pk, status=LiveSession.Status.SCHEDULED).update(
            status=LiveSession.Status.ENDED, ended_at=session.ends_at
        )
        if updated != 1:
            return False
        family.news_changed(session.school_id)  # parents' home pages show this (core.family)
        audit(action="live.time_up", actor=None, school=session.school, target=session)
        if session.provider_started:
            transaction.on_commit(lambda: _provider_end(session.pk))
    return True


def _provider_end(session_pk: int) -> None:
    session = LiveSession.objects.get(pk=session_pk)
    try:
        provider_named(session.provider).end(room_for(session))
    except ServiceError:
        audit(action="live.provider_end_failed", actor=None, school=session.school, target=session)


def join_url_for(*, invitation: Invitation) -> str:
    """The provider's join address for this child now: first name only, viewer, guest."""
    # Fresh: the room may have just been booked.
    session = LiveSession.objects.select_related("host__user", "monitor__user").get(pk=invitation.session_id)
    if session.status != LiveSession.Status.SCHEDULED or not session.is_open(clock.now()):
        raise InvalidTransition("This session has ended.")
    _check_not_banned(invitation)
    return provider_named(session.provider).join_url(
        room_for(session),
        full_name=invitation.pupil.first_name,
        user_id=f"child-{invitation.code[:12]}",
        moderator=False,
        ref=invitation.code,
    )


MAX_REPEAT_WEEKS = 14


@transaction.atomic
def session_schedule_weekly(
    *,
    by: Staff,
    school_class: SchoolClass,
    title: str,
    starts_at: datetime.datetime,
    minutes: int,
    monitor: Staff,
    pupils: list[Pupil],
    weeks: int,
) -> list[LiveSession]:
    """The weekly story time and well-being session (LIV-12): the same slot each week, skipping non-school days."""
    if not 1 <= weeks <= MAX_REPEAT_WEEKS:
        raise ServiceError(f"Repeat for between 1 and {MAX_REPEAT_WEEKS} weeks.")
    if timezone.is_naive(starts_at):
        raise ServiceError("The start time needs a time zone.")
    local = timezone.localtime(starts_at)
    first = local.date()
    calendar = SchoolCalendar.load(school_class.school, first, first + datetime.timedelta(weeks=weeks - 1))
    starts = []
    for week in range(weeks):
        # Same wall-clock time each week, across changes to British Summer Time.
        day = first + datetime.timedelta(weeks=week)
        if week > 0 and not calendar.is_school_day(day):
            continue
        starts.append(timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None))))
    return _book(
        by=by,
        school_class=school_class,
        kind=LiveSession.Kind.STORY_TIME,
        title=title,
        starts=starts,
        minutes=minutes,
        monitor=monitor,
        pupils=pupils,
    )


def staff_join_url(*, session: LiveSession, by: Staff, now: datetime.datetime | None = None) -> str:
    """The host's or monitor's way into the meeting as a moderator, while the session is open."""
    now = now or clock.now()
    _check_can_admit(session, by)
    if not session.is_open(now):
        raise InvalidTransition("This session is not open.")
    session = session_open_room(session=session)
    audit(action="live.staff_join", actor=by.user, school=session.school, target=session)
    return provider_named(session.provider).join_url(
        room_for(session), full_name=by.display_name, user_id=f"staff-{by.code}", moderator=True, ref=session.code
    )


# --- Bans (LIV-11) ----------------------------------------------------------------------------------

MAX_BAN_DAYS = 365
BAN_ROLES = (Role.HEADTEACHER, Role.SENIOR_LEADER, Role.DSL, Role.DEPUTY_DSL)


def can_ban(*, by: Staff, pupil: Pupil, session: LiveSession | None = None) -> bool:
    """The child's class teacher or TA, the session's host or monitor, or a leader or DSL of the school."""
    if by.school_id != pupil.school_id or not by.is_active:
        return False
    if session is not None and by.pk in (session.host_id, session.monitor_id):
        return True
    return _is_class_staff(by, pupil.school_class) or _has_role(by, *BAN_ROLES)


def _family_of(pupil: Pupil) -> list[Pupil]:
    """The child and the brothers and sisters on roll who share a carer with them."""
    carers = PupilCarer.objects.filter(pupil=pupil).values("carer")
    siblings = Pupil.objects.filter(school=pupil.school, left_on__isnull=True, carer_links__carer__in=carers).exclude(
        pk=pupil.pk
    )
    return [pupil, *sorted(set(siblings), key=lambda p: p.pk)]


def _carers_to_tell(pupil: Pupil) -> list[Carer]:
    """The primary carer and, if the office redirected the invitations, that carer too."""
    carers = {c.pk: c for c in [invitation_recipient(pupil)] if c is not None}
    for link in PupilCarer.objects.filter(pupil=pupil, is_primary=True).select_related("carer"):
        carers.setdefault(link.carer_id, link.carer)
    return [c for c in carers.values() if c.email]


@transaction.atomic
def ban_create(
    *,
    pupil: Pupil,
    by: Staff,
    days: int,
    reason: str,
    session: LiveSession | None = None,
    whole_family: bool = False,
    now: datetime.datetime | None = None,
) -> list[LiveBan]:
    """Deny a child (or the whole family) live sessions for `days` days (LIV-11).

    Their invitations in that period are held, their links refused, anyone of them in a session now is
    removed, the carers are told by email, and a follow-up call is created for the class teacher.
    """
    family.news_changed(pupil.school_id)  # parents' home pages show this (core.family)
    from homelearning.journal.services import call_request

    now = now or clock.now()
    if not can_ban(by=by, pupil=pupil, session=session):
        raise PermissionRefused("Only the child's class staff, the session's staff or a leader can do this.")
    if session is not None and session.school_id != pupil.school_id:
        raise ServiceError("The session is not at this child's school.")
    if not 1 <= days <= MAX_BAN_DAYS:
        raise ServiceError(f"Choose a period between 1 and {MAX_BAN_DAYS} days.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say how the agreement was broken.")
    if len(reason) > 2000:
        raise ServiceError("Keep the reason under 2,000 characters.")
    ends_at = now + datetime.timedelta(days=days)
    bans: list[LiveBan] = []
    for child in _family_of(pupil) if whole_family else [pupil]:
        ban = LiveBan.objects.create(
            school=child.school,
            pupil=child,
            starts_at=now,
            ends_at=ends_at,
            reason=reason,
            by=by,
            session=session,
        )
        # Not-yet-ended invitations in the period are held; a child in a session now is removed from it.
        held = Invitation.objects.filter(
            pupil=child,
            session__status=LiveSession.Status.SCHEDULED,
            session__starts_at__lt=ends_at,
            status__in=[Invitation.Status.INVITED, Invitation.Status.WAITING, Invitation.Status.ADMITTED],
        )
        held_count = sum(
            1
            for invitation in held.select_related("session")
            if invitation.session.ends_at > now
            and Invitation.objects.filter(pk=invitation.pk, status=invitation.status).update(
                status=Invitation.Status.HELD
            )
        )
        call = call_request(
            pupil=child,
            by=by.user,
            by_label=by.full_name,
            reason=(
                f"Follow-up call: {child.first_name} cannot join live sessions until "
                f"{timezone.localtime(ends_at):%-d %B %Y} (Live Remote Learning Agreement). Reason: {reason}"
            )[:1000],
            by_staff=True,
            call_on=timezone.localdate(now),
        )
        LiveBan.objects.filter(pk=ban.pk).update(follow_up_call=call)
        audit(
            action="live.ban",
            actor=by.user,
            school=child.school,
            target=ban,
            details={"days": days, "held_invitations": held_count, "session": session.code if session else ""},
        )
        ban.refresh_from_db()
        _email_ban(ban=ban)
        bans.append(ban)
    return bans


def _email_ban(*, ban: LiveBan) -> None:
    pupil = ban.pupil
    until = timezone.localtime(ban.ends_at)
    school = pupil.school
    for carer in _carers_to_tell(pupil):
        # The reason stays with the school: it may hold safeguarding details. The follow-up call explains.
        body = (
            f"Dear {carer.full_name},\n\n"
            f"{pupil.first_name} cannot join live sessions until {until:%A %-d %B %Y}, because the Live Remote "
            "Learning Agreement was not followed. Any invitations for this period are held.\n\n"
            f"{pupil.first_name}'s class teacher will phone you to talk about it.\n\n"
            f"{school.name}\n{school.office_email} {school.office_phone}\n"
        )
        email_queue(
            to=carer.email,
            subject=f"Live sessions for {pupil.first_name}",
            body_text=body,
            kind="live_ban",
            school=school,
            from_email=pupil.school_class.email or None,
            reply_to=pupil.school_class.email,
        )


@transaction.atomic
def ban_lift(*, ban: LiveBan, by: Staff, now: datetime.datetime | None = None) -> LiveBan:
    """End a ban early; held invitations for sessions still to come are sent again."""
    family.news_changed(ban.school_id)  # parents' home pages show this (core.family)
    now = now or clock.now()
    if not can_ban(by=by, pupil=ban.pupil):
        raise PermissionRefused("Only the child's class staff or a leader can lift a ban.")
    updated = LiveBan.objects.filter(pk=ban.pk, lifted_at__isnull=True).update(lifted_at=now, lifted_by=by)
    if updated != 1:
        raise InvalidTransition("This ban has already been lifted.")
    agreement = agreement_current()
    released = 0
    for invitation in Invitation.objects.filter(
        pupil=ban.pupil, status=Invitation.Status.HELD, session__status=LiveSession.Status.SCHEDULED
    ).select_related("session__school_class", "session__school", "pupil", "carer"):
        session = invitation.session
        if session.ends_at <= now or active_ban(pupil=ban.pupil, start=session.starts_at, end=session.ends_at):
            continue
        if Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.HELD).update(
            status=Invitation.Status.INVITED
        ):
            released += 1
            if invitation.carer is not None and invitation.carer.email:
                _email_invitation(invitation=invitation, agreement=agreement)
    audit(action="live.ban_lift", actor=by.user, school=ban.school, target=ban, details={"released": released})
    return LiveBan.objects.get(pk=ban.pk)


# --- Who receives the invitations (LIV-09) ----------------------------------------------------------

RECIPIENT_ROLES = (Role.OFFICE, Role.HEADTEACHER, Role.SENIOR_LEADER)


@transaction.atomic
def recipient_set(*, pupil: Pupil, carer: Carer, by: Staff, note: str = "") -> InvitationRecipient | None:
    """The office sends the child's invitations to another carer of the child (or back to the primary carer).

    Invitations not yet used for sessions still to come go to the new carer at once.
    """
    if by.school_id != pupil.school_id or not by.is_active or not _has_role(by, *RECIPIENT_ROLES):
        raise PermissionRefused("Only the school office or a leader can change who receives invitations.")
    if not PupilCarer.objects.filter(pupil=pupil, carer=carer).exists():
        raise ServiceError("Choose one of the child's own carers.")
    if not carer.email:
        raise ServiceError(f"{carer.full_name} has no email address. Add one before sending invitations there.")
    now = clock.now()
    InvitationRecipient.objects.filter(pupil=pupil, ended_at__isnull=True).update(ended_at=now, ended_by=by)
    is_primary = PupilCarer.objects.filter(pupil=pupil, carer=carer, is_primary=True).exists()
    chosen = None
    if not is_primary:
        chosen = InvitationRecipient.objects.create(pupil=pupil, carer=carer, by=by, note=note.strip()[:300])
    agreement = agreement_current()
    moved = 0
    for invitation in (
        Invitation.objects.filter(
            pupil=pupil,
            status=Invitation.Status.INVITED,
            session__status=LiveSession.Status.SCHEDULED,
            session__starts_at__gt=now,
        )
        .exclude(carer=carer)
        .select_related("session__school_class", "session__school", "pupil")
    ):
        if Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.INVITED).update(carer=carer):
            invitation.carer = carer
            _email_invitation(invitation=invitation, agreement=agreement)
            moved += 1
    audit(
        action="live.recipient.change",
        actor=by.user,
        school=pupil.school,
        target=pupil,
        details={"carer": carer.code, "primary": is_primary, "moved_invitations": moved},
    )
    return chosen
