"""Every list and detail query of the live app."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from homelearning.live.models import Invitation, InvitationRecipient, LiveBan, LiveSession, LiveSettings
from homelearning.people.access import pupils_visible_to
from homelearning.people.models import Carer, ClassStaff, Pupil, PupilCarer, School, SchoolClass, Staff
from homelearning.people.viewer import Viewer


def upcoming_sessions_for_staff(viewer: Viewer, *, now: datetime.datetime) -> list[LiveSession]:
    """Sessions not yet over that the member of staff hosts, monitors or works with the class of."""
    staff = viewer.staff
    if staff is None:
        return []
    sessions = LiveSession.objects.filter(school=staff.school, status=LiveSession.Status.SCHEDULED)
    if not viewer.sees_whole_school:
        sessions = sessions.filter(
            Q(host=staff) | Q(monitor=staff) | Q(school_class__staff_links__staff=staff)
        ).distinct()
    sessions = sessions.select_related("school_class", "host", "monitor").annotate(
        children=Count("invitations", distinct=True)
    )
    return [s for s in sessions.order_by("starts_at") if s.ends_at > now]


UPCOMING_FOR_FAMILIES = datetime.timedelta(days=7)


def upcoming_invitations_for_children(*, pupil_ids: list[int], now: datetime.datetime) -> list[Invitation]:
    """A parent's home page: their children's live sessions in the coming week that have not ended, soonest first.

    Invitations held by a ban or already turned away are left out: the page offers only a way in."""
    invitations = Invitation.objects.filter(
        pupil_id__in=pupil_ids,
        pupil__left_on__isnull=True,
        status__in=(Invitation.Status.INVITED, Invitation.Status.WAITING, Invitation.Status.ADMITTED),
        session__status=LiveSession.Status.SCHEDULED,
        session__starts_at__lt=now + UPCOMING_FOR_FAMILIES,
        # A session lasts at most a few hours: those started over a day ago are over, whatever their minutes.
        session__starts_at__gt=now - datetime.timedelta(days=1),
    ).select_related("session__school_class", "pupil")
    return sorted(
        (i for i in invitations if i.session.ends_at > now), key=lambda i: (i.session.starts_at, i.pupil.first_name)
    )


def classes_staff_can_schedule(staff: Staff) -> list[SchoolClass]:
    return list(
        SchoolClass.objects.filter(
            staff_links__staff=staff,
            staff_links__kind__in=[ClassStaff.Kind.TEACHER, ClassStaff.Kind.TEACHING_ASSISTANT],
        )
        .select_related("year_group")
        .order_by("name")
    )


def pupils_for_invitation(school_class: SchoolClass) -> list[Pupil]:
    return list(
        Pupil.objects.filter(school_class=school_class, left_on__isnull=True).order_by(
            "preferred_first_name", "legal_first_name", "surname"
        )
    )


def session_invitations(session: LiveSession) -> list[Invitation]:
    return list(
        session.invitations.select_related("pupil__school_class", "carer", "accepted_carer").order_by(
            "accepted_at", "pk"
        )
    )


def colleagues(staff: Staff) -> list[Staff]:
    return list(Staff.objects.filter(school=staff.school, is_active=True).exclude(pk=staff.pk).order_by("surname"))


def carer_record_for_child(viewer: Viewer, pupil: Pupil) -> Carer | None:
    """Which of the signed-in person's carer records is linked to this child (for the staff's waiting list)."""
    return Carer.objects.filter(pk__in=[c.pk for c in viewer.carer_records], pupil_links__pupil=pupil).first()


def bans_for_staff(viewer: Viewer, *, now: datetime.datetime) -> list[LiveBan]:
    """Bans of children the member of staff can see, in force or to come, newest first."""
    pupils = pupils_visible_to(viewer)
    return list(
        LiveBan.objects.filter(pupil__in=pupils, lifted_at__isnull=True, ends_at__gt=now)
        .select_related("pupil__school_class", "by", "session", "follow_up_call")
        .order_by("-starts_at", "pk")
    )


def carers_of(pupil: Pupil) -> list[Carer]:
    return [link.carer for link in PupilCarer.objects.filter(pupil=pupil).select_related("carer").order_by("priority")]


def pupils_with_recipients(viewer: Viewer) -> list[tuple[Pupil, Carer | None, bool]]:
    """Each child on roll with who receives their invitations, and whether the office redirected them."""
    pupils = list(
        pupils_visible_to(viewer)
        .filter(left_on__isnull=True)
        .select_related("school_class")
        .order_by("school_class__name", "legal_first_name", "surname")
    )
    redirected = {
        r.pupil_id: r.carer
        for r in InvitationRecipient.objects.filter(pupil__in=pupils, ended_at__isnull=True).select_related("carer")
    }
    primaries = {
        link.pupil_id: link.carer
        for link in PupilCarer.objects.filter(pupil__in=pupils, is_primary=True).select_related("carer")
    }
    return [(p, redirected.get(p.pk) or primaries.get(p.pk), p.pk in redirected) for p in pupils]


def chosen_provider(school: School) -> str:
    """The provider the headteacher chose ("" for the server's default)."""
    return LiveSettings.objects.filter(school=school).values_list("provider", flat=True).first() or ""
