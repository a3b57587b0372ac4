"""A session that has not opened is cancelled (not 'ended for everyone'), and the families invited are told."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from homelearning.core.errors import InvalidTransition, PermissionRefused
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.live import services
from homelearning.live.models import Invitation, LiveSession
from tests.live.conftest import open_session
from tests.personas import World


def _status(session: LiveSession) -> str:
    return LiveSession.objects.get(pk=session.pk).status


def test_the_host_cancels_a_future_session_and_each_family_is_emailed(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession
) -> None:
    detail = reverse("live:session_detail", args=[booked.code])
    page = client_for(world.teacher).get(detail).content.decode()
    assert "Cancel the session" in page and "End for everyone" not in page
    cancel = reverse("live:session_cancel", args=[booked.code])
    assert client_for(world.teacher).get(cancel).status_code == 405

    response = client_for(world.teacher).post(cancel, follow=True)
    text = response.content.decode()
    assert "The session is cancelled" in text and "Cancelled" in text and "Cancel the session" not in text
    assert _status(booked) == LiveSession.Status.CANCELLED
    emails = OutboundEmail.objects.filter(kind="live_cancelled").order_by("to")
    assert [e.to for e in emails] == sorted(i.carer.email for i in booked.invitations.select_related("carer"))
    amy = emails.get(to="pat.parker@example.com")
    assert amy.subject == "Live session cancelled: Tuesday 12 January at 10:00"
    assert "Story time with Oak class on Tuesday 12 January at 10:00 is cancelled" in amy.body_text
    assert "Amy's invitation no longer works" in amy.body_text and "Parker" not in amy.body_text.split(",", 1)[1]
    assert AuditEvent.objects.filter(action="live.cancel", actor=world.teacher).count() == 1

    # The family's link now says so, and lets nobody in, even when the time comes.
    invite = booked.invitations.get(pupil=world.amy)
    url = reverse("live:invitation", args=[invite.code])
    assert "This session is cancelled" in client_for(world.parent).get(url).content.decode()
    assert client_for(world.parent).post(url, {"agree": "on", "version": "1"}).status_code == 400
    assert Invitation.objects.get(pk=invite.pk).status == Invitation.Status.INVITED


def test_only_the_host_cancels(world: World, client_for, booked: LiveSession) -> None:  # type: ignore[no-untyped-def]
    cancel = reverse("live:session_cancel", args=[booked.code])
    refused = client_for(world.ta).post(cancel, follow=True)
    assert "Only the host can cancel" in refused.content.decode()
    assert client_for(world.outsider_head).post(cancel).status_code == 404
    assert client_for(world.parent).post(cancel).status_code == 403
    assert _status(booked) == LiveSession.Status.SCHEDULED
    assert not OutboundEmail.objects.filter(kind="live_cancelled").exists()


def test_an_open_session_is_ended_not_cancelled(  # type: ignore[no-untyped-def]
    world: World, client_for, booked: LiveSession, clock: time_machine.Traveller
) -> None:
    open_session(clock, -10)  # the waiting room has just opened
    page = client_for(world.teacher).get(reverse("live:session_detail", args=[booked.code])).content.decode()
    assert "End for everyone" in page and "Cancel the session" not in page
    with pytest.raises(InvalidTransition, match="End it for everyone instead"):
        services.session_cancel(session=booked, by=world.staff(world.teacher))
    refused = client_for(world.teacher).post(reverse("live:session_cancel", args=[booked.code]), follow=True)
    assert "End it for everyone instead" in refused.content.decode()
    assert _status(booked) == LiveSession.Status.SCHEDULED
    assert not OutboundEmail.objects.filter(kind="live_cancelled").exists()


def test_cancelled_once_only(world: World, booked: LiveSession) -> None:
    services.session_cancel(session=booked, by=world.staff(world.teacher))
    with pytest.raises(InvalidTransition, match="already ended or been cancelled"):
        services.session_cancel(session=LiveSession.objects.get(pk=booked.pk), by=world.staff(world.teacher))
    # A stale copy still loaded as scheduled is refused by the conditional update, not by its own status.
    with pytest.raises(InvalidTransition):
        services.session_cancel(session=booked, by=world.staff(world.teacher))
    assert OutboundEmail.objects.filter(kind="live_cancelled").count() == booked.invitations.count()
    with pytest.raises(PermissionRefused):
        services.session_cancel(session=booked, by=world.staff(world.ta))


def test_a_cancelled_session_is_not_ended_at_its_time(world: World, booked: LiveSession, clock) -> None:  # type: ignore[no-untyped-def]
    services.session_cancel(session=booked, by=world.staff(world.teacher))
    clock.move_to(booked.ends_at + datetime.timedelta(minutes=1))
    assert services.session_expire(session=LiveSession.objects.get(pk=booked.pk)) is False
    assert _status(booked) == LiveSession.Status.CANCELLED
    assert not AuditEvent.objects.filter(action="live.time_up").exists()
