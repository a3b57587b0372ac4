"""Every write in the live app: scheduling, invitations, the waiting room, admitting and ending."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from homelearning.core.audit import audit
from homelearning.core.calendar import is_school_day
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.mail import email_queue
from homelearning.live.agreement import AGREEMENT_V1
from homelearning.live.models import Invitation, LiveAgreement, LiveIncident, LiveSession
from homelearning.live.providers import Room, default_provider_name, provider_named
from homelearning.people.models import Carer, ClassStaff, Pupil, PupilCarer, SchoolClass, Staff, User
from homelearning.people.selectors import policy_in_force

STAFF_IN_ROOM = 2  # host and monitor


def agreement_current() -> LiveAgreement:
    """The newest published agreement (version 1 is seeded from the policy's text on first use)."""
    agreement = LiveAgreement.objects.order_by("-version").first()
    if agreement is None:
        agreement, _ = LiveAgreement.objects.get_or_create(
            version=1, defaults={"text": AGREEMENT_V1, "published_at": timezone.now()}
        )
    return agreement


def room_for(session: LiveSession) -> Room:
    return Room(
        meeting_id=f"hl-{session.code}",
        name=session.title,
        minutes=session.minutes,
        max_participants=session.invitations.count() + STAFF_IN_ROOM,
        create_time=session.provider_create_time,
    )


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
    school = school_class.school
    if by.school_id != school.pk or not by.is_active or not _is_class_staff(by, school_class):
        raise PermissionRefused("Only a teacher or teaching assistant of the class can set up a live session.")
    if kind not in LiveSession.Kind.values:
        raise ServiceError("Choose the kind of session.")
    if monitor.pk == by.pk:
        raise ServiceError("The second member of staff watching the session must be a different person.")
    if monitor.school_id != school.pk or not monitor.is_active:
        raise ServiceError("The second member of staff must work at this school.")
    if timezone.is_naive(starts_at):
        raise ServiceError("The start time needs a time zone.")
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
    if starts_at <= timezone.now():
        raise ServiceError("The start must be in the future.")
    if not is_school_day(school, timezone.localdate(starts_at)):
        raise ServiceError("The start must be on a school day.")

    session = LiveSession.objects.create(
        school=school,
        school_class=school_class,
        kind=kind,
        title=title.strip() or LiveSession.Kind(kind).label,
        starts_at=starts_at,
        minutes=minutes,
        host=by,
        monitor=monitor,
        provider=default_provider_name(),
    )
    primaries = {
        link.pupil_id: link.carer
        for link in PupilCarer.objects.filter(pupil__in=pupils, is_primary=True).select_related("carer")
    }
    agreement = agreement_current()
    for pupil in sorted({p.pk: p for p in pupils}.values(), key=lambda p: p.pk):
        carer = primaries.get(pupil.pk)
        invitation = Invitation.objects.create(session=session, pupil=pupil, carer=carer)
        if carer is not None and carer.email:
            _email_invitation(invitation=invitation, agreement=agreement)
    audit(
        action="live.schedule",
        actor=by.user,
        school=school,
        target=session,
        details={"children": len(pupils), "minutes": minutes, "monitor": monitor.code},
    )
    return session


def _email_invitation(*, invitation: Invitation, agreement: LiveAgreement) -> None:
    session = invitation.session
    carer = invitation.carer
    assert carer is not None  # noqa: S101 - the caller has checked
    school_class = session.school_class
    link = settings.SITE_URL + reverse("live:invitation", args=[invitation.code])
    calendar = settings.SITE_URL + reverse("live:invitation_calendar", args=[invitation.code])
    local = timezone.localtime(session.starts_at)
    rules = "\n".join(f"- {line}" for line in agreement.text.splitlines() if line.strip())
    body = (
        f"Dear {carer.full_name},\n\n"
        f"{invitation.pupil.first_name} is invited to {session.title} with {school_class.name} class.\n\n"
        f"Date: {local:%A %-d %B %Y}\n"
        f"Time: {local:%H:%M} to {timezone.localtime(session.ends_at):%H:%M}\n\n"
        f"Sign in to Home Learning and open this link from 10 minutes before the start:\n{link}\n\n"
        "The link works only for you, only for this session. Please do not share it.\n"
        f"Add it to your calendar (after signing in): {calendar}\n"
        "You will wait in the waiting room until a member of staff lets your child in.\n\n"
        f"The Live Remote Learning Agreement (version {agreement.version}):\n{rules}\n\n"
        f"{school_class.name} class, {session.school.name}\n"
    )
    email_queue(
        to=carer.email,
        subject=f"Live session for {invitation.pupil.first_name}: {local:%A %-d %B at %H:%M}",
        body_text=body,
        kind="live_invitation",
        school=session.school,
        from_email=school_class.email or None,
        reply_to=school_class.email,
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
    now = now or timezone.now()
    if not invitation.session.is_open(now):
        raise InvalidTransition("This session is not open.")
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
    create_time = provider_named(session.provider).create(room_for(session))
    LiveSession.objects.filter(pk=session.pk, provider_started=False).update(
        provider_started=True, provider_create_time=create_time
    )
    session.refresh_from_db()
    return session


def invitation_admit(*, invitation: Invitation, by: Staff, now: datetime.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    session = invitation.session
    _check_can_admit(session, by)
    if not session.is_open(now):
        raise InvalidTransition("This session is not open, so nobody can be let in.")
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
def invitation_deny(*, invitation: Invitation, by: Staff, now: datetime.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    _check_can_admit(invitation.session, by)
    updated = Invitation.objects.filter(
        pk=invitation.pk, status__in=[Invitation.Status.WAITING, Invitation.Status.ADMITTED]
    ).update(status=Invitation.Status.DENIED, denied_at=now, decided_by=by)
    if updated != 1:
        raise InvalidTransition("This child is no longer waiting.")
    audit(action="live.deny", actor=by.user, school=invitation.session.school, target=invitation)
    return Invitation.objects.get(pk=invitation.pk)


def session_end(
    *, session: LiveSession, by: Staff, risk_reason: str = "", now: datetime.datetime | None = None
) -> LiveSession:
    """End the session for everyone; a perceived risk is logged as an incident."""
    now = now or timezone.now()
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


def _provider_end(session_pk: int) -> None:
    session = LiveSession.objects.get(pk=session_pk)
    try:
        provider_named(session.provider).end(room_for(session))
    except ServiceError:
        audit(action="live.provider_end_failed", actor=None, school=session.school, target=session)


def join_url_for(*, invitation: Invitation) -> str:
    """The provider's join address for this child now: first name only, viewer, guest."""
    session = LiveSession.objects.get(pk=invitation.session_id)  # fresh: the room may have just been booked
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
    sessions: list[LiveSession] = []
    for week in range(weeks):
        # Same wall-clock time each week, across changes to British Summer Time.
        day = local.date() + datetime.timedelta(weeks=week)
        start = timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))
        if week > 0 and not is_school_day(school_class.school, day):
            continue
        sessions.append(
            session_schedule(
                by=by,
                school_class=school_class,
                kind=LiveSession.Kind.STORY_TIME,
                title=title,
                starts_at=start,
                minutes=minutes,
                monitor=monitor,
                pupils=pupils,
            )
        )
    return sessions


def staff_join_url(*, session: LiveSession, by: Staff, now: datetime.datetime | None = None) -> str:
    """The host's or monitor's way into the meeting as a moderator, while the session is open."""
    now = now or timezone.now()
    _check_can_admit(session, by)
    if not session.is_open(now):
        raise InvalidTransition("This session is not open.")
    session = session_open_room(session=session)
    audit(action="live.staff_join", actor=by.user, school=session.school, target=session)
    return provider_named(session.provider).join_url(
        room_for(session), full_name=by.display_name, user_id=f"staff-{by.code}", moderator=True, ref=session.code
    )
