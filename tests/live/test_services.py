from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail, Term
from homelearning.live import services
from homelearning.live.models import Invitation, LiveIncident, LiveSession
from homelearning.people import services as people_services
from homelearning.people.models import Pupil
from tests.live.conftest import START, open_session
from tests.personas import World


def schedule(world: World, **overrides: object) -> LiveSession:
    kwargs: dict[str, object] = {
        "by": world.staff(world.teacher),
        "school_class": world.oak,
        "kind": LiveSession.Kind.GROUP_CALL,
        "title": "Group call",
        "starts_at": START,
        "minutes": 30,
        "monitor": world.staff(world.ta),
        "pupils": [world.amy, world.cara],
    }
    kwargs.update(overrides)
    return services.session_schedule(**kwargs)  # type: ignore[arg-type]


def test_schedule_invites_each_child_and_emails_the_primary_carer(booked: LiveSession, world: World) -> None:
    invitations = list(booked.invitations.select_related("pupil", "carer"))
    assert {i.pupil for i in invitations} == {world.amy, world.cara}
    assert len({i.code for i in invitations}) == 2
    emails = list(OutboundEmail.objects.filter(kind="live_invitation").order_by("to"))
    assert [e.to for e in emails] == ["pat.parker@example.com", "q.quinn@example.com"]
    for email in emails:
        assert email.from_email == "oak@balfour.test"
        assert "Tuesday 12 January 2027" in email.body_text
        assert "10:00 to 10:30" in email.body_text
        assert "/live/invitations/" in email.body_text
        assert "first name only" in email.body_text
    amy_invite = booked.invitations.get(pupil=world.amy)
    assert amy_invite.code in emails[0].body_text
    assert "Amelia" not in emails[0].subject
    assert AuditEvent.objects.filter(action="live.schedule", target_code=booked.code).exists()


def test_ta_of_the_class_can_schedule(world: World, term: Term, clock: time_machine.Traveller) -> None:
    session = schedule(world, by=world.staff(world.ta), monitor=world.staff(world.teacher))
    assert session.host == world.staff(world.ta)


@pytest.mark.usefixtures("term", "clock")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"minutes": 31}, "at most 30 minutes"),
        ({"minutes": 0}, "at least one minute"),
        ({"monitor": "self"}, "different person"),
        ({"pupils": []}, "at least one child"),
        ({"starts_at": START - datetime.timedelta(days=2)}, "in the future"),
        ({"starts_at": datetime.datetime(2027, 1, 16, 10, 0, tzinfo=START.tzinfo)}, "school day"),  # Saturday
        ({"starts_at": datetime.datetime(2027, 4, 6, 10, 0, tzinfo=START.tzinfo)}, "school day"),  # holidays
        ({"starts_at": datetime.datetime(2027, 1, 12, 10, 0)}, "time zone"),
        ({"kind": "party"}, "kind of session"),
    ],
)
def test_schedule_refuses_outside_the_policy(world: World, overrides: dict[str, object], message: str) -> None:
    if overrides.get("monitor") == "self":
        overrides = {"monitor": world.staff(world.teacher)}
    with pytest.raises(ServiceError, match=message):
        schedule(world, **overrides)
    assert not LiveSession.objects.exists()
    assert not OutboundEmail.objects.filter(kind="live_invitation").exists()


@pytest.mark.usefixtures("term", "clock")
def test_a_sixteenth_child_is_refused(world: World) -> None:
    extra = [
        people_services.pupil_create(
            school_class=world.oak,
            legal_first_name=f"Child{n}",
            surname="Extra",
            date_of_birth=datetime.date(2020, 1, 1),
        )
        for n in range(14)
    ]
    pupils = [world.amy, world.cara, *extra]
    assert len(pupils) == 16
    with pytest.raises(ServiceError, match="at most 15 children"):
        schedule(world, pupils=pupils)
    assert not LiveSession.objects.exists()
    assert schedule(world, pupils=pupils[:15]).invitations.count() == 15


@pytest.mark.usefixtures("term", "clock")
def test_only_class_staff_schedule(world: World) -> None:
    for user in (world.teacher_ash, world.head, world.office):
        with pytest.raises(PermissionRefused):
            schedule(world, by=world.staff(user))
    with pytest.raises(PermissionRefused):
        schedule(world, by=world.staff(world.outsider_teacher))
    assert not LiveSession.objects.exists()


@pytest.mark.usefixtures("term", "clock")
def test_pupils_from_another_class_or_monitor_from_another_school_are_refused(world: World) -> None:
    with pytest.raises(ServiceError, match="this class"):
        schedule(world, pupils=[world.amy, world.ben])
    with pytest.raises(ServiceError, match="work at this school"):
        schedule(world, monitor=world.staff(world.outsider_teacher))
    assert not LiveSession.objects.exists()


@pytest.mark.usefixtures("term", "clock")
def test_policy_figures_come_from_the_policy_in_force(world: World) -> None:
    world.school.policy_versions.filter(in_force=True).update(live_max_minutes=20, live_max_children=1)
    with pytest.raises(ServiceError, match="at most 20 minutes"):
        schedule(world, minutes=25)
    with pytest.raises(ServiceError, match="at most 1 children"):
        schedule(world, minutes=20)


def _accept(invitation: Invitation, world: World) -> Invitation:
    return services.invitation_accept(
        invitation=invitation,
        user=world.parent,
        carer=world.parent.carer_records.first(),
        agreement=services.agreement_current(),
    )


def test_accept_admit_end(booked: LiveSession, world: World, clock: time_machine.Traveller) -> None:
    invite = booked.invitations.get(pupil=world.amy)
    with pytest.raises(InvalidTransition, match="not open"):
        _accept(invite, world)
    open_session(clock, -10)
    invite = _accept(invite, world)
    assert invite.status == Invitation.Status.WAITING
    assert invite.agreement is not None and invite.agreement.version == 1
    with pytest.raises(InvalidTransition):
        _accept(invite, world)
    with pytest.raises(PermissionRefused):
        services.invitation_admit(invitation=invite, by=world.staff(world.head))
    invite = services.invitation_admit(invitation=invite, by=world.staff(world.ta))
    assert invite.status == Invitation.Status.ADMITTED
    with pytest.raises(InvalidTransition):
        services.invitation_admit(invitation=invite, by=world.staff(world.teacher))
    assert services.join_url_for(invitation=invite).endswith(f"/live/invitations/{invite.code}/room")

    with pytest.raises(PermissionRefused):
        services.session_end(session=booked, by=world.staff(world.ta))
    session = services.session_end(session=booked, by=world.staff(world.teacher), risk_reason="")
    assert session.status == LiveSession.Status.ENDED
    assert not LiveIncident.objects.exists()
    with pytest.raises(InvalidTransition):
        services.session_end(session=booked, by=world.staff(world.teacher))
    cara = booked.invitations.get(pupil=world.cara)
    with pytest.raises(InvalidTransition):
        services.invitation_accept(
            invitation=cara, user=world.other_parent, carer=None, agreement=services.agreement_current()
        )
    assert AuditEvent.objects.filter(action__in=["live.admit", "live.end", "live.agreement_accept"]).count() == 3


def test_no_admission_after_the_end(booked: LiveSession, world: World, clock: time_machine.Traveller) -> None:
    open_session(clock)
    invite = _accept(booked.invitations.get(pupil=world.amy), world)
    services.session_end(session=booked, by=world.staff(world.teacher))
    with pytest.raises(InvalidTransition):
        services.invitation_admit(invitation=invite, by=world.staff(world.teacher))
    open_session(clock, 31)
    assert Invitation.objects.get(pk=invite.pk).status == Invitation.Status.WAITING


def test_deny_and_end_with_risk(booked: LiveSession, world: World, clock: time_machine.Traveller) -> None:
    open_session(clock)
    invite = _accept(booked.invitations.get(pupil=world.amy), world)
    invite = services.invitation_deny(invitation=invite, by=world.staff(world.teacher))
    assert invite.status == Invitation.Status.DENIED
    with pytest.raises(InvalidTransition):
        services.invitation_admit(invitation=invite, by=world.staff(world.teacher))
    services.session_end(session=booked, by=world.staff(world.teacher), risk_reason="An adult shouted.")
    incident = LiveIncident.objects.get()
    assert incident.reason == "An adult shouted."
    assert AuditEvent.objects.get(action="live.end").details == {"risk": True}


def test_pupil_who_left_cannot_be_invited(world: World, term: Term, clock: time_machine.Traveller) -> None:
    Pupil.objects.filter(pk=world.cara.pk).update(left_on=datetime.date(2027, 1, 8))
    world.cara.refresh_from_db()
    with pytest.raises(ServiceError, match="on roll"):
        schedule(world)


def test_weekly_story_time_skips_the_holidays(world: World, term: Term, clock: time_machine.Traveller) -> None:
    from homelearning.core.models import NonSchoolDay

    NonSchoolDay.objects.create(school=world.school, date=datetime.date(2027, 1, 26), kind=NonSchoolDay.Kind.INSET)
    sessions = services.session_schedule_weekly(
        by=world.staff(world.teacher),
        school_class=world.oak,
        title="Story time",
        starts_at=START,
        minutes=20,
        monitor=world.staff(world.ta),
        pupils=[world.amy],
        weeks=4,
    )
    days = [s.starts_at.date() for s in sessions]
    assert days == [datetime.date(2027, 1, 12), datetime.date(2027, 1, 19), datetime.date(2027, 2, 2)]
    assert all(s.kind == LiveSession.Kind.STORY_TIME for s in sessions)
    assert all(s.starts_at.hour == 10 for s in sessions)


@pytest.mark.usefixtures("term", "clock")
def test_weekly_refusals_change_nothing(world: World) -> None:
    kwargs: dict[str, object] = {
        "by": world.staff(world.teacher),
        "school_class": world.oak,
        "title": "Story time",
        "starts_at": START,
        "minutes": 20,
        "monitor": world.staff(world.ta),
        "pupils": [world.amy],
    }
    with pytest.raises(ServiceError, match="between 1 and 14"):
        services.session_schedule_weekly(weeks=15, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match="at most 30 minutes"):
        services.session_schedule_weekly(weeks=3, **(kwargs | {"minutes": 31}))  # type: ignore[arg-type]
    assert not LiveSession.objects.exists()
    assert not OutboundEmail.objects.exists()
