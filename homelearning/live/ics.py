"""A minimal RFC 5545 calendar file for one invitation (icalendar is not installed; this needs little)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from homelearning.live.models import Invitation


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation_ics(*, invitation: Invitation, link: str) -> str:
    session = invitation.session
    summary = f"{session.title} for {invitation.pupil.first_name}"
    description = (
        f"Sign in to Home Learning and open {link} from 10 minutes before the start. Please do not share this link."
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Home Learning//Live sessions//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{invitation.code}@homelearning",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{link}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
