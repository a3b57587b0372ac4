"""Background tasks for the core app: sending email, with retries and backoff."""

from __future__ import annotations

import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django_tasks import task

from homelearning.core import clock
from homelearning.core.models import OutboundEmail

logger = logging.getLogger(__name__)

SECRET_REMOVED = "[This message held a one-time sign-in code. It was removed after sending.]"  # noqa: S105 - a notice, not a secret


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after the `attempt`-th failure: 1, 4, 16, 64 minutes… with the default base."""
    return datetime.timedelta(seconds=settings.EMAIL_RETRY_BASE_SECONDS * 4 ** (attempt - 1))


def message_id_for(email: OutboundEmail) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "homelearning.invalid"
    return f"<{email.code}@{domain}>"


@task()
def send_email(*, email_id: int) -> str:
    """Send one stored email. A failure is retried with backoff, then marked failed for the office."""
    # Claim the message first (a conditional update), so two workers never send it twice.
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "not queued"
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "X-Home-Learning-Id": email.code,
            "Auto-Submitted": "auto-generated",
            # One Message-ID per stored email, the same on every attempt: if a worker dies after the mail
            # server accepted a message but before it was marked sent, the repeat carries the same id and
            # mail servers and clients treat it as the same message.
            "Message-ID": message_id_for(email),
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Email %s attempt %s failed: %s", email.code, email.attempts, error)
        _record_failure(email, error)
        return "failed" if email.attempts >= settings.EMAIL_MAX_ATTEMPTS else "retrying"
    sent: dict[str, object] = {"status": OutboundEmail.Status.SENT, "sent_at": clock.now(), "last_error": ""}
    if email.is_secret and not settings.DEMO_MODE:
        sent.update(body_text=SECRET_REMOVED, body_html="")
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(**sent)
    return "sent"


def _record_failure(email: OutboundEmail, error: str) -> None:
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.FAILED, last_error=error, failed_at=clock.now()
        )
        return
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.QUEUED, last_error=error
        )
        send_email.using(run_after=clock.now() + retry_delay(email.attempts)).enqueue(email_id=email.pk)
