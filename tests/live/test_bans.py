"""LIV-11: a child or family that broke the agreement is kept out of live sessions for a period."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.journal.models import CallRequest
from homelearning.live import services
from homelearning.live.models import Invitation, LiveBan, LiveSession
from homelearning.people.models import Carer
from tests.live.conftest import START, amy_let_in, group_call, open_session
from tests.personas import World


def _ban(world: World, **overrides: object) -> list[LiveBan]:
    kwargs: dict[str, object] = {
        "pupil": world.amy,
        "by": world.staff(world.teacher),
        "days": 14,
        "reason": "Another adult shouted in the background.",
    }
    kwargs.update(overrides)
    return services.ban_create(**kwargs)  # type: ignore[arg-type]


def test_ban_holds_invitations_tells_the_family_creates_a_call_and_is_audited(
    world: World, booked: LiveSession
) -> None:
    [ban] = _ban(world, session=booked)
    invitation = booked.invitations.get(pupil=world.amy)
    assert invitation.status == Invitation.Status.HELD
    assert booked.invitations.get(pupil=world.cara).status == Invitation.Status.INVITED
    assert ban.ends_at - ban.starts_at == datetime.timedelta(days=14)
    call = CallRequest.objects.get(pk=ban.follow_up_call_id)
    assert call.pupil == world.amy and call.by_staff and call.status == CallRequest.Status.OPEN
    assert "Another adult shouted" in call.reason
    email = OutboundEmail.objects.get(kind="live_ban")
    assert email.to == "pat.parker@example.com"
    assert "Amy cannot join live sessions until" in email.body_text
    assert "Amelia" not in email.body_text and "shouted" not in email.body_text  # the reason stays in school
    event = AuditEvent.objects.get(action="live.ban")
    assert event.target_code == ban.code and event.details["held_invitations"] == 1


def test_banned_child_cannot_enter_nor_be_admitted(world: World, booked: LiveSession, clock) -> None:  # type: ignore[no-untyped-def]
    open_session(clock)
    agreement = services.agreement_current()
    invitation = services.invitation_accept(
        invitation=booked.invitations.get(pupil=world.amy), user=world.parent, carer=None, agreement=agreement
    )
    _ban(world, session=booked)
    with pytest.raises(PermissionRefused, match="Amy cannot join"):
        services.invitation_admit(invitation=invitation, by=world.staff(world.teacher))
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.HELD


def test_a_child_admitted_now_is_removed_and_gets_no_join_address(world: World, booked: LiveSession, clock) -> None:  # type: ignore[no-untyped-def]
    invitation = amy_let_in(world, booked, clock)
    _ban(world, session=booked)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.HELD
    with pytest.raises(PermissionRefused, match="Amy cannot join live sessions until"):
        services.join_url_for(invitation=invitation)


def test_sessions_booked_during_a_ban_hold_the_invitation_and_send_nothing(world: World, term, clock) -> None:  # type: ignore[no-untyped-def]
    _ban(world)
    OutboundEmail.objects.all().delete()
    session = group_call(world)
    assert session.invitations.get(pupil=world.amy).status == Invitation.Status.HELD
    assert list(OutboundEmail.objects.filter(kind="live_invitation").values_list("to", flat=True)) == [
        "q.quinn@example.com"
    ]


def test_joining_during_a_ban_is_refused_with_a_clear_message(world: World, booked: LiveSession, clock) -> None:  # type: ignore[no-untyped-def]
    # A ban written straight to the table (as if the invitation had not been held): the service still refuses.
    LiveBan.objects.create(
        school=world.school,
        pupil=world.amy,
        starts_at=START - datetime.timedelta(days=1),
        ends_at=START + datetime.timedelta(days=6),
        reason="x",
        by=world.staff(world.teacher),
    )
    open_session(clock)
    with pytest.raises(PermissionRefused, match="cannot join live sessions until 18 January 2027"):
        services.invitation_accept(
            invitation=booked.invitations.get(pupil=world.amy),
            user=world.parent,
            carer=None,
            agreement=services.agreement_current(),
        )
    assert booked.invitations.get(pupil=world.amy).status == Invitation.Status.INVITED


def test_whole_family_ban_covers_brothers_and_sisters(world: World, booked: LiveSession) -> None:
    bans = _ban(world, whole_family=True)
    assert {b.pupil for b in bans} == {world.amy, world.ben}
    assert CallRequest.objects.filter(pupil__in=[world.amy, world.ben]).count() == 2
    assert booked.invitations.get(pupil=world.cara).status == Invitation.Status.INVITED


@pytest.mark.usefixtures("booked")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"days": 0}, "between 1 and 365 days"),
        ({"days": 366}, "between 1 and 365 days"),
        ({"reason": "   "}, "Say how the agreement was broken"),
        ({"reason": "x" * 2001}, "under 2,000 characters"),
    ],
)
def test_bad_ban_input_changes_nothing(world: World, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        _ban(world, **overrides)
    assert not LiveBan.objects.exists()
    assert not CallRequest.objects.exists()


@pytest.mark.usefixtures("booked")
def test_who_may_ban(world: World) -> None:
    for user in (world.teacher_ash, world.office, world.outsider_teacher):
        with pytest.raises(PermissionRefused):
            _ban(world, by=world.staff(user))
    assert not LiveBan.objects.exists()
    assert _ban(world, by=world.staff(world.ta))
    assert _ban(world, pupil=world.cara, by=world.staff(world.head))


def test_lifting_a_ban_sends_held_invitations_again(world: World, booked: LiveSession) -> None:
    [ban] = _ban(world)
    OutboundEmail.objects.filter(kind="live_invitation").delete()
    services.ban_lift(ban=ban, by=world.staff(world.teacher))
    assert booked.invitations.get(pupil=world.amy).status == Invitation.Status.INVITED
    assert OutboundEmail.objects.get(kind="live_invitation").to == "pat.parker@example.com"
    with pytest.raises(InvalidTransition):
        services.ban_lift(ban=ban, by=world.staff(world.teacher))
    assert AuditEvent.objects.filter(action="live.ban_lift", target_code=ban.code).count() == 1


def test_ban_ends_by_itself(world: World, booked: LiveSession, clock: time_machine.Traveller) -> None:
    _ban(world, days=1)
    clock.move_to(START + datetime.timedelta(days=2))
    later = group_call(world, pupils=[world.amy], starts_at=START + datetime.timedelta(days=3), title="Later")
    assert later.invitations.get().status == Invitation.Status.INVITED


def test_ban_email_also_goes_to_the_carer_the_office_chose(world: World, booked: LiveSession, dad: Carer) -> None:
    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))
    _ban(world)
    assert set(OutboundEmail.objects.filter(kind="live_ban").values_list("to", flat=True)) == {
        "pat.parker@example.com",
        "paul.parker@example.com",
    }


# --- pages ----------------------------------------------------------------------------------------


def test_ban_page_ladder_and_form(world: World, booked: LiveSession, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:ban_new", args=[world.amy.code]) + f"?session={booked.code}"
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.parent).get(url).status_code == 403
    assert client_for(world.outsider_teacher).get(url).status_code == 404
    page = client_for(world.teacher).get(url)
    assert page.status_code == 200 and "Stop live sessions for Amy Parker" in page.content.decode()
    # Bad input: a clear message, nothing changes.
    bad = client_for(world.teacher).post(url, {"days": "0", "reason": ""})
    assert bad.status_code == 400
    assert "Choose at least 1 day." in bad.content.decode()
    assert "Say how the agreement was broken." in bad.content.decode()
    assert not LiveBan.objects.exists()
    done = client_for(world.teacher).post(url, {"days": "7", "reason": "Shared the link in a group chat."})
    assert done.status_code == 302 and done["Location"] == reverse("live:session_detail", args=[booked.code])
    assert LiveBan.objects.get().session == booked


def test_ban_with_a_concern_goes_on_to_the_safeguarding_form(world: World, booked: LiveSession, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:ban_new", args=[world.amy.code]) + f"?session={booked.code}"
    response = client_for(world.teacher).post(url, {"days": "7", "reason": "Worrying remark.", "raise_concern": "on"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("safeguarding:concern_raise"))
    assert f"pupil={world.amy.code}" in location and f"source_code={booked.code}" in location
    form = client_for(world.teacher).get(location)
    assert form.status_code == 200
    assert 'value="live_session"' in form.content.decode()


def test_ban_page_refuses_a_child_not_in_the_session(world: World, booked: LiveSession, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:ban_new", args=[world.ben.code]) + f"?session={booked.code}"
    assert client_for(world.teacher).get(url).status_code == 404


def test_ban_list_and_lift(world: World, booked: LiveSession, client_for) -> None:  # type: ignore[no-untyped-def]
    [ban] = _ban(world)
    url = reverse("live:ban_list")
    assert client_for(world.parent).get(url).status_code == 403
    assert "Amy Parker" not in client_for(world.outsider_teacher).get(url).content.decode()
    page = client_for(world.teacher).get(url).content.decode()
    assert "Amy Parker" in page and "Another adult shouted" in page
    lift = reverse("live:ban_lift", args=[ban.code])
    assert client_for(world.outsider_teacher).post(lift).status_code == 404
    assert client_for(world.teacher).post(lift).status_code == 302
    assert LiveBan.objects.get().lifted_at is not None


def test_carer_page_says_the_child_is_held(world: World, booked: LiveSession, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    _ban(world)
    open_session(clock)
    invitation = booked.invitations.get(pupil=world.amy)
    url = reverse("live:invitation", args=[invitation.code])
    page = client_for(world.parent).get(url)
    assert page.status_code == 200
    assert "Amy cannot join live sessions until" in page.content.decode()
    # Trying to accept anyway: nothing changes.
    client_for(world.parent).post(url, {"agree": "on", "version": services.agreement_current().version})
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.HELD


def test_console_removes_an_admitted_child_with_a_reason(world: World, booked: LiveSession, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    invitation = amy_let_in(world, booked, clock)
    console = client_for(world.teacher).get(reverse("live:session_detail", args=[booked.code])).content.decode()
    assert "Remove Amy" in console and "Raise a safeguarding concern about Amy" in console
    url = reverse("live:invitation_decide", args=[booked.code, invitation.code, "deny"])
    client_for(world.teacher).post(url, {"reason": "Camera showed a bedroom."})
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DENIED
    assert invitation.denied_reason == "Camera showed a bedroom."
    assert AuditEvent.objects.get(action="live.deny").details["was"] == "admitted"
