from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from homelearning.core.models import Term
from homelearning.live import services
from homelearning.live.models import Invitation, LiveIncident, LiveSession
from homelearning.people.models import Carer
from tests.live.conftest import START, group_call, open_session
from tests.personas import World


def _form(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": LiveSession.Kind.STORY_TIME,
        "title": "Story time",
        "starts_at": "2027-01-12T10:00",
        "minutes": "30",
        "monitor": world.staff(world.ta).code,
        "pupils": [world.amy.code, world.cara.code],
    }
    data.update(overrides)
    return data


# --- staff pages: the permission ladder -------------------------------------------------------------


@pytest.mark.usefixtures("term", "clock")
def test_session_list_ladder(world: World, client_for, booked: LiveSession) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:session_list")
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.parent).get(url).status_code == 403
    other = client_for(world.outsider_teacher).get(url)
    assert other.status_code == 200 and booked.title not in other.content.decode()
    page = client_for(world.teacher).get(url)
    assert page.status_code == 200
    assert booked.title in page.content.decode()
    assert reverse("live:session_new", args=[world.oak.code]) in page.content.decode()
    assert booked.title not in client_for(world.teacher_ash).get(url).content.decode()


@pytest.mark.usefixtures("term", "clock")
def test_schedule_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:session_new", args=[world.oak.code])
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.parent).get(url).status_code == 403
    assert client_for(world.office).get(url).status_code == 403
    assert client_for(world.outsider_teacher).get(url).status_code == 404
    assert client_for(world.teacher_ash).get(url).status_code == 404
    page = client_for(world.teacher).get(url)
    assert page.status_code == 200
    assert "at most 15 children and 30 minutes" in page.content.decode()


@pytest.mark.usefixtures("term", "clock")
def test_parent_cannot_create_a_session(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:session_new", args=[world.oak.code])
    assert client_for(world.parent).post(url, _form(world)).status_code == 403
    assert not LiveSession.objects.exists()


@pytest.mark.usefixtures("term", "clock")
def test_schedule_through_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(reverse("live:session_new", args=[world.oak.code]), _form(world))
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("live:session_detail", args=[session.code])
    assert session.invitations.count() == 2


@pytest.mark.usefixtures("term", "clock")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"minutes": "31"}, "at most 30 minutes"),
        ({"monitor": "self"}, "Select a valid choice"),  # the host is not offered as monitor
        ({"starts_at": "2027-01-16T10:00"}, "school day"),
        ({"starts_at": "not a date"}, "Enter a valid date/time"),
        ({"minutes": "lots"}, "Enter a whole number"),
        ({"pupils": ["nobody"]}, "Select a valid choice"),
        ({"monitor": "nobody"}, "Select a valid choice"),
        ({"pupils": []}, "This field is required"),
    ],
)
def test_schedule_form_bad_input(world: World, client_for, overrides: dict[str, object], message: str) -> None:  # type: ignore[no-untyped-def]
    if overrides.get("monitor") == "self":
        overrides = {"monitor": world.staff(world.teacher).code}
    response = client_for(world.teacher).post(
        reverse("live:session_new", args=[world.oak.code]), _form(world, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LiveSession.objects.exists()


@pytest.mark.usefixtures("term", "clock")
def test_schedule_form_refuses_pupil_of_another_class(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(
        reverse("live:session_new", args=[world.oak.code]), _form(world, pupils=[world.ben.code])
    )
    assert response.status_code == 400
    assert not LiveSession.objects.exists()


def test_session_detail_ladder(world: World, client_for, booked: LiveSession) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:session_detail", args=[booked.code])
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.parent).get(url).status_code == 403
    assert client_for(world.outsider_head).get(url).status_code == 404
    assert client_for(world.teacher_ash).get(url).status_code == 404
    assert client_for(world.teacher).get(url).status_code == 200
    assert client_for(world.head).get(url).status_code == 200
    assert client_for(world.teacher).get(reverse("live:session_detail", args=["nope"])).status_code == 404


# --- the carer's way in -----------------------------------------------------------------------------


def _invite(booked: LiveSession, world: World) -> Invitation:
    return booked.invitations.get(pupil=world.amy)


def test_invitation_window(world: World, client_for, booked: LiveSession, clock: time_machine.Traveller) -> None:  # type: ignore[no-untyped-def]
    """The link always opens for the carer; only from 10 minutes before the start to the end does it let anyone in."""
    invite = _invite(booked, world)
    url = reverse("live:invitation", args=[invite.code])
    assert client_for(None).get(url).status_code == 302
    day_before = client_for(world.parent).get(url)
    text = day_before.content.decode()
    assert day_before.status_code == 200
    assert "The waiting room opens at 09:50" in text and "Tuesday 12 January" in text
    assert "Live Remote Learning Agreement (version 1)" in text  # to read with the child beforehand
    assert 'name="agree"' not in text and 'http-equiv="refresh"' not in text  # over an hour away: no refresh
    assert reverse("live:invitation_calendar", args=[invite.code]) in text
    for minutes, state in ((-11, "not yet"), (-10, "open"), (29, "open"), (30, "ended")):
        open_session(clock, minutes)
        page = client_for(world.parent).get(url)
        text = page.content.decode()
        assert page.status_code == 200, minutes
        assert ('name="agree"' in text) == (state == "open"), minutes
        assert ("The waiting room opens at 09:50" in text) == (state == "not yet"), minutes
        assert ("The session has ended" in text) == (state == "ended"), minutes
    open_session(clock, -11)
    assert 'http-equiv="refresh" content="61"' in client_for(world.parent).get(url).content.decode()


def test_accepting_before_the_waiting_room_opens_is_refused(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:
    url = reverse("live:invitation", args=[_invite(booked, world).code])
    for minutes in (-60 * 24, -11, 30):
        open_session(clock, minutes)
        refused = client_for(world.parent).post(url, {"agree": "on", "version": "1"})
        assert refused.status_code == 400, minutes
        assert "The waiting room is not open" in refused.content.decode()
        assert _invite(booked, world).status == Invitation.Status.INVITED


def test_invitation_refused_to_anyone_else(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:  # type: ignore[no-untyped-def]
    open_session(clock)
    url = reverse("live:invitation", args=[_invite(booked, world).code])
    assert client_for(world.other_parent).get(url).status_code == 404
    assert client_for(world.outsider_parent).get(url).status_code == 404
    assert client_for(world.teacher).get(url).status_code == 403
    assert client_for(world.other_parent).post(url, {"agree": "on", "version": "1"}).status_code == 404
    assert _invite(booked, world).status == Invitation.Status.INVITED


def test_link_for_one_session_does_not_open_another(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:  # type: ignore[no-untyped-def]
    later = group_call(world, pupils=[world.amy], starts_at=START + datetime.timedelta(days=1), title="Later call")
    # Amy missed Tuesday's session: on Wednesday its link is refused; only Wednesday's works.
    clock.move_to(START + datetime.timedelta(days=1))
    client = client_for(world.parent)
    missed = client.get(reverse("live:invitation", args=[_invite(booked, world).code])).content.decode()
    assert "The session has ended" in missed and 'name="agree"' not in missed
    today = client.get(reverse("live:invitation", args=[later.invitations.get().code])).content.decode()
    assert 'name="agree"' in today


def test_accept_wait_admit_join(world: World, client_for, booked: LiveSession, clock: time_machine.Traveller) -> None:  # type: ignore[no-untyped-def]
    open_session(clock, -5)
    invite = _invite(booked, world)
    url = reverse("live:invitation", args=[invite.code])
    client = client_for(world.parent)
    page = client.get(url).content.decode()
    assert "Live Remote Learning Agreement (version 1)" in page
    refused = client.post(url, {"version": "1"})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    stale = client.post(url, {"agree": "on", "version": "0"})
    assert stale.status_code == 400 and "has changed" in stale.content.decode()
    assert _invite(booked, world).status == Invitation.Status.INVITED
    assert client.post(url, {"agree": "on", "version": "1"}).status_code == 302
    invite = _invite(booked, world)
    assert invite.status == Invitation.Status.WAITING and invite.agreement is not None
    waiting = client.get(url).content.decode()
    assert "Waiting room" in waiting and 'hx-trigger="every 3s"' in waiting and 'http-equiv="refresh"' in waiting
    room = reverse("live:demo_room", args=[invite.code])
    assert room not in waiting
    assert client.get(room).status_code == 404

    console = client_for(world.ta).get(
        reverse("live:session_detail", args=[booked.code]), headers={"HX-Request": "true"}
    )
    text = console.content.decode()
    assert "<html" not in text
    assert "Amy" in text and "Pat Parker" in text and "Oak" in text
    admit = reverse("live:invitation_decide", args=[booked.code, invite.code, "admit"])
    assert client_for(world.ta).get(admit).status_code == 405
    assert client_for(world.ta).post(admit).status_code == 302

    client = client_for(world.parent)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and room in fragment
    demo = client.get(room).content.decode()
    assert "Demonstration" in demo and "“Amy”" in demo and "Amelia" not in demo
    assert client_for(world.other_parent).get(room).status_code == 404

    # The host ends it for everyone: the room and the link close.
    client_for(world.teacher).post(reverse("live:session_end", args=[booked.code]), {"risk_reason": ""})
    client = client_for(world.parent)
    assert client.get(room).status_code == 404
    ended = client.get(url).content.decode()
    assert "The session has ended" in ended and room not in ended


def test_only_host_or_monitor_admit(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:  # type: ignore[no-untyped-def]
    open_session(clock)
    invite = _invite(booked, world)
    services.invitation_accept(invitation=invite, user=world.parent, carer=None, agreement=services.agreement_current())
    admit = reverse("live:invitation_decide", args=[booked.code, invite.code, "admit"])
    response = client_for(world.head).post(admit, follow=True)
    assert "Only the host" in response.content.decode()
    assert client_for(world.outsider_head).post(admit).status_code == 404
    assert client_for(world.parent).post(admit).status_code == 403
    assert (
        client_for(world.teacher)
        .post(reverse("live:invitation_decide", args=[booked.code, invite.code, "zap"]))
        .status_code
        == 404
    )
    assert _invite(booked, world).status == Invitation.Status.WAITING
    deny = reverse("live:invitation_decide", args=[booked.code, invite.code, "deny"])
    client_for(world.teacher).post(deny)
    assert _invite(booked, world).status == Invitation.Status.DENIED
    again = client_for(world.teacher).post(admit, follow=True)
    assert "no longer waiting" in again.content.decode()
    page = client_for(world.parent).get(reverse("live:invitation", args=[invite.code])).content.decode()
    assert "Not admitted" in page


def test_end_with_risk_links_to_a_concern(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:  # type: ignore[no-untyped-def]
    open_session(clock)
    url = reverse("live:session_end", args=[booked.code])
    assert client_for(world.ta).post(url, follow=True).status_code == 200
    assert LiveSession.objects.get().status == LiveSession.Status.SCHEDULED
    too_long = client_for(world.teacher).post(url, {"risk_reason": "x" * 2001}, follow=True)
    assert "too long" in too_long.content.decode()
    assert LiveSession.objects.get().status == LiveSession.Status.SCHEDULED
    page = client_for(world.teacher).post(url, {"risk_reason": "A stranger appeared."}, follow=True).content.decode()
    assert LiveSession.objects.get().status == LiveSession.Status.ENDED
    assert LiveIncident.objects.get().reason == "A stranger appeared."
    assert (
        f"/safeguarding/concerns/new?pupil={world.amy.code}&amp;source_type=live_session&amp;source_code={booked.code}"
        in page
    )


@pytest.mark.usefixtures("term")
def test_provider_error_admits_nobody(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller, settings
) -> None:  # type: ignore[no-untyped-def]
    LiveSession.objects.filter(pk=booked.pk).update(provider="bigbluebutton")
    settings.LIVE_BBB_URL = "http://127.0.0.1:9/bigbluebutton/api/"  # nothing listens on the discard port
    settings.LIVE_BBB_SECRET = "s3cret"
    settings.LIVE_PROVIDER_TIMEOUT = 1
    open_session(clock)
    invite = _invite(booked, world)
    services.invitation_accept(invitation=invite, user=world.parent, carer=None, agreement=services.agreement_current())
    admit = reverse("live:invitation_decide", args=[booked.code, invite.code, "admit"])
    response = client_for(world.teacher).post(admit, follow=True)
    assert response.status_code == 200
    assert "could not be reached" in response.content.decode()
    assert _invite(booked, world).status == Invitation.Status.WAITING


def test_booked_term_fixture_is_used(term: Term) -> None:
    assert term.first_day.year == 2027


def test_calendar_file(world: World, client_for, booked: LiveSession, clock: time_machine.Traveller) -> None:  # type: ignore[no-untyped-def]
    invite = _invite(booked, world)
    url = reverse("live:invitation_calendar", args=[invite.code])
    from homelearning.core.models import OutboundEmail

    assert url in OutboundEmail.objects.get(to="pat.parker@example.com").body_text
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.other_parent).get(url).status_code == 404
    assert client_for(world.teacher).get(url).status_code == 403
    response = client_for(world.parent).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20270112T100000Z\r\n" in text and "DTEND:20270112T103000Z\r\n" in text
    assert "SUMMARY:Story time for Amy\r\n" in text and "Amelia" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    open_session(clock, 30)
    assert client_for(world.parent).get(url).status_code == 404


def test_console_costs_the_same_for_more_children(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homelearning.people import services as people_services

    open_session(clock)
    url = reverse("live:session_detail", args=[booked.code])
    agreement = services.agreement_current()

    def count() -> int:
        client = client_for(world.teacher)
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
        return len(queries)

    for invite in booked.invitations.all():
        services.invitation_accept(invitation=invite, user=world.parent, carer=None, agreement=agreement)
    few = count()
    for n in range(5):
        pupil = people_services.pupil_create(
            school_class=world.oak, legal_first_name=f"Kid{n}", surname="More", date_of_birth=datetime.date(2020, 2, 2)
        )
        invite = Invitation.objects.create(session=booked, pupil=pupil)
        services.invitation_accept(invitation=invite, user=world.parent, carer=None, agreement=agreement)
    assert count() == few


@pytest.mark.usefixtures("term", "clock")
def test_weekly_through_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:session_new", args=[world.oak.code])
    refused = client_for(world.teacher).post(url, _form(world, kind=LiveSession.Kind.GROUP_CALL, repeat_weeks="3"))
    assert refused.status_code == 400 and "Only the weekly story time" in refused.content.decode()
    assert client_for(world.teacher).post(url, _form(world, repeat_weeks="99")).status_code == 400
    assert not LiveSession.objects.exists()
    response = client_for(world.teacher).post(url, _form(world, repeat_weeks="3"))
    assert response.status_code == 302 and response["Location"] == reverse("live:session_list")
    assert LiveSession.objects.count() == 3


def test_staff_join_as_host(world: World, client_for, booked: LiveSession, clock: time_machine.Traveller) -> None:  # type: ignore[no-untyped-def]
    join = reverse("live:staff_join", args=[booked.code])
    room = reverse("live:staff_room", args=[booked.code])
    closed = client_for(world.teacher).post(join, follow=True)
    assert "not open" in closed.content.decode()
    open_session(clock)
    assert client_for(world.teacher).get(join).status_code == 405
    assert client_for(world.outsider_head).post(join).status_code == 404
    assert "Only the host" in client_for(world.head).post(join, follow=True).content.decode()
    assert client_for(world.head).get(room).status_code == 404
    assert client_for(world.parent).get(room).status_code == 403
    response = client_for(world.teacher).post(join)
    assert response.status_code == 302 and response["Location"] == room
    page = client_for(world.ta).get(room)
    assert page.status_code == 200 and "Demonstration" in page.content.decode()
    services.session_end(session=booked, by=world.staff(world.teacher))
    assert client_for(world.teacher).get(room).status_code == 404


@pytest.mark.parametrize("tamper", ["swap_last", "truncate", "other_session_in_path", "junk"])
def test_tampered_link_is_refused(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller, tamper: str
) -> None:
    open_session(clock)
    code = _invite(booked, world).code
    bad = {
        "swap_last": code[:-1] + ("A" if code[-1] != "A" else "B"),
        "truncate": code[:8],
        "other_session_in_path": booked.code,
        "junk": "not-a-real-invitation-code",
    }[tamper]
    client = client_for(world.parent)
    assert client.get(reverse("live:invitation", args=[bad])).status_code == 404
    assert client.post(reverse("live:invitation", args=[bad]), {"agree": "on", "version": "1"}).status_code == 404
    assert client.get(reverse("live:demo_room", args=[bad])).status_code == 404
    assert _invite(booked, world).status == Invitation.Status.INVITED


def test_redirected_carer_uses_the_link(
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller, dad: Carer
) -> None:  # type: ignore[no-untyped-def]
    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))
    open_session(clock)
    url = reverse("live:invitation", args=[_invite(booked, world).code])
    assert dad.user is not None
    client = client_for(dad.user)
    assert client.get(url).status_code == 200
    client.post(url, {"agree": "on", "version": str(services.agreement_current().version)})
    invite = _invite(booked, world)
    assert invite.status == Invitation.Status.WAITING and invite.accepted_carer == dad
    assert client_for(world.other_parent).get(url).status_code == 404


def test_a_waiting_page_left_open_learns_the_session_ended(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:
    open_session(clock)
    url = reverse("live:invitation", args=[_invite(booked, world).code])
    client = client_for(world.parent)
    client.post(url, {"agree": "on", "version": str(services.agreement_current().version)})
    services.session_end(session=booked, by=world.staff(world.teacher))
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling
    assert "The session has ended" in poll.content.decode() and "Join" not in poll.content.decode()
    reopened = client.get(url).content.decode()  # the link itself says so, and lets nobody in
    assert "The session has ended" in reopened and "Join the session" not in reopened
    assert client_for(world.other_parent).get(url, headers={"HX-Request": "true"}).status_code == 404
