"""Host and monitor open the room at the same moment: one booking is kept, a second Teams meeting is closed."""

from __future__ import annotations

from homelearning.live import services
from homelearning.live.models import LiveSession
from homelearning.live.providers import Booking, Room


class RacingProvider:
    """Books a new meeting each time (as Teams does); the other opener's booking lands first."""

    name = "teams"

    def __init__(self, session: LiveSession, other_id: str) -> None:
        self.session = session
        self.other_id = other_id
        self.ended: list[str] = []

    def create(self, room: Room) -> Booking:
        LiveSession.objects.filter(pk=self.session.pk).update(
            provider_started=True, provider_meeting_id=self.other_id, provider_join_url="https://teams.test/kept"
        )
        return Booking(meeting_id="mine", join_url="https://teams.test/mine")

    def end(self, room: Room) -> None:
        self.ended.append(room.provider_meeting_id)


def test_the_losing_booking_is_closed(booked: LiveSession, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    provider = RacingProvider(booked, other_id="kept")
    monkeypatch.setattr(services, "provider_named", lambda name: provider)
    session = services.session_open_room(session=booked)
    assert session.provider_meeting_id == "kept"
    assert provider.ended == ["mine"]


def test_a_provider_booking_by_our_own_id_is_not_closed(booked: LiveSession, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # BigBlueButton books by our meeting id: both openers got the same meeting, which must stay open.
    provider = RacingProvider(booked, other_id="mine")
    monkeypatch.setattr(services, "provider_named", lambda name: provider)
    services.session_open_room(session=booked)
    assert provider.ended == []
