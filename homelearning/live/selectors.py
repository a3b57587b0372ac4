"""Every list and detail query of the live app."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from homelearning.live.models import Invitation, LiveSession
from homelearning.people.models import Carer, ClassStaff, Pupil, SchoolClass, Staff
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
