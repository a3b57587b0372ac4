"""The calendar file (RFC 5545, written by icalendar) for one invitation."""

from __future__ import annotations

import datetime

from icalendar import Calendar, Event

from homelearning.core import clock
from homelearning.live.models import Invitation


def invitation_ics(*, invitation: Invitation, link: str) -> str:
    session = invitation.session
    calendar = Calendar()
    calendar.add("prodid", "-//Home Learning//Live sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{invitation.code}@homelearning")
    event.add("dtstamp", clock.now().astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
    event.add("dtend", session.ends_at.astimezone(datetime.UTC))
    # First name only: the file may be forwarded or synced to a shared family calendar.
    event.add("summary", f"{session.title} for {invitation.pupil.first_name}")
    event.add(
        "description",
        f"Sign in to Home Learning and open {link} from 10 minutes before the start. Please do not share this link.",
    )
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode()
