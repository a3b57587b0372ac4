"""The invitation email carries its calendar file as an attachment, delivered through a real SMTP server."""

from __future__ import annotations

from icalendar import Calendar

from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import emails_send_batch
from homelearning.live.models import LiveSession
from tests.core.test_email import smtp  # noqa: F401 - the fixture
from tests.personas import World


def test_each_invitation_email_attaches_its_own_calendar_file(world: World, booked: LiveSession, smtp) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    email = OutboundEmail.objects.get(kind="live_invitation", to="pat.parker@example.com")
    emails_send_batch(email_id=email.pk, claim="test", limit=1)
    (received,) = smtp.messages
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    invitation = booked.invitations.get(pupil=world.amy)
    assert str(event["summary"]) == "Story time for Amy"
    assert invitation.code in str(event["url"])
    assert event.decoded("dtstart") == booked.starts_at
    assert "Parker" not in attachment.get_content()
    assert "attached calendar file" in received.get_body(("plain",)).get_content()
