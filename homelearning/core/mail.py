"""Queueing email. Every message is stored, then sent by a background task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from homelearning.core.errors import InvalidTransition
from homelearning.core.models import OutboundEmail
from homelearning.people.models import School


def link_body(message: str, link: str) -> str:
    """The body of an email that only points the family to the app (no child's name, no content): the
    message, then the link, in the active language."""
    from django.utils.translation import gettext

    read_it = gettext("Read it in Home Learning:")  # not inside the f-string: xgettext does not look there
    return f"{message}\n\n{read_it}\n{link}\n"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def email_queue(
    *,
    to: str,
    subject: str,
    body_text: str,
    kind: str,
    school: School | None = None,
    body_html: str = "",
    from_email: str | None = None,
    reply_to: str = "",
    is_secret: bool = False,
    attachments: Sequence[Attachment] = (),
) -> OutboundEmail | None:
    """Store an email and send it once the surrounding transaction commits (None: an address that takes no
    mail, see `deliverable`).

    `attachments` are small text files (a calendar invitation, say), stored with the message so a retry
    sends exactly what was queued.
    """
    stored = email_queue_many(
        [
            Outgoing(
                to=to,
                subject=subject,
                body_text=body_text,
                kind=kind,
                school=school,
                body_html=body_html,
                from_email=from_email,
                reply_to=reply_to,
                is_secret=is_secret,
                attachments=attachments,
            )
        ]
    )
    return stored[0] if stored else None


def deliverable(address: str) -> bool:
    """False for the reserved addresses (RFC 2606's .invalid) that stand in for a login with no email: a carer
    who signs in by text (people.services.PHONE_ONLY_DOMAIN), or an anonymised one."""
    return bool(address) and not address.strip().lower().endswith(".invalid")


@dataclass(frozen=True)
class Outgoing:
    """One email of a bulk send (`email_queue_many`): the same fields as `email_queue`'s."""

    to: str
    subject: str
    body_text: str
    kind: str
    school: School | None = None
    body_html: str = ""
    from_email: str | None = None
    reply_to: str = ""
    is_secret: bool = False
    attachments: Sequence[Attachment] = ()


def email_queue_many(emails: Sequence[Outgoing]) -> list[OutboundEmail]:
    """Store many emails and their send jobs in two INSERTs, in the caller's transaction: both exist, or
    neither.

    One job per EMAIL_BATCH_SIZE emails: each job sends a batch over one connection (core.tasks), so
    the jobs can run on several workers at once and every email is still sent, retried or failed alone.
    """
    from homelearning.core.jobs import enqueue_many
    from homelearning.core.tasks import send_email

    emails = [e for e in emails if deliverable(e.to)]
    if not emails:
        return []
    with transaction.atomic():
        stored = OutboundEmail.objects.bulk_create(
            OutboundEmail(
                school=e.school,
                kind=e.kind,
                to=e.to,
                subject=e.subject[:250],
                body_text=e.body_text,
                body_html=e.body_html,
                from_email=e.from_email or settings.DEFAULT_FROM_EMAIL,
                reply_to=e.reply_to,
                is_secret=e.is_secret,
                attachments=[
                    {"filename": a.filename, "content": a.content, "mimetype": a.mimetype} for a in e.attachments
                ],
            )
            for e in emails
        )
        size = settings.EMAIL_BATCH_SIZE
        enqueue_many(send_email, [({"email_id": stored[i].pk}, None) for i in range(0, len(stored), size)])
    return stored


def email_retry(*, email: OutboundEmail) -> OutboundEmail:
    """Queue a failed email again (the office, after fixing an address or the mail server)."""
    from homelearning.core.tasks import send_email

    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
            status=OutboundEmail.Status.QUEUED, attempts=0, failed_at=None, next_attempt_at=None
        )
        if updated != 1:
            raise InvalidTransition("Only a failed email can be sent again.")
        send_email.enqueue(email_id=email.pk)
    return OutboundEmail.objects.get(pk=email.pk)
