"""Background tasks for the core app: sending email, with retries and backoff."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, F, Q, When
from django_tasks import TaskContext, task

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


def _message_for(email: OutboundEmail) -> EmailMultiAlternatives:
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
    return message


def emails_claim(*, email_id: int, claim: str, limit: int) -> list[OutboundEmail]:
    """Claim this job's own email (first, if ready) and other ready ones, up to `limit`, for one batch.

    One conditional UPDATE marks them SENDING under this job's id, so two workers never hold the same
    email: on PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED (a second worker takes the
    next ones instead of waiting); SQLite runs one writing transaction at a time. An email waiting for its
    retry time (`next_attempt_at`) is not taken before then, not even by its own first job.
    """
    now = clock.now()
    ready = Q(status=OutboundEmail.Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    with transaction.atomic():
        candidates = (
            OutboundEmail.objects.filter(ready)
            .select_for_update(skip_locked=True)
            .order_by(Case(When(pk=email_id, then=0), default=1), "id")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(candidates)
        if not ids:
            return []
        OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.QUEUED).update(
            status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_by=claim
        )
    return list(
        OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.SENDING, claimed_by=claim).order_by("id")
    )


def _connection_lost(exc: Exception) -> bool:
    """The connection is gone or never came (the rest of the batch would fail alike), as against one
    message refused. smtplib's own errors are OSErrors too; of them only these two mean the connection."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


@task(takes_context=True)
def send_email(context: TaskContext, *, email_id: int) -> str:
    """Send this job's email and the other ready ones (up to EMAIL_BATCH_SIZE) over one SMTP connection.

    Every email still has its own job, so none depends on another's being run; a job whose email an
    earlier batch took sends the next ready ones.
    """
    return emails_send_batch(email_id=email_id, claim=str(context.task_result.id), limit=settings.EMAIL_BATCH_SIZE)


def emails_send_batch(*, email_id: int, claim: str, limit: int) -> str:
    """Claim a batch (`emails_claim`) and send it over one connection; a summary such as "50 sent".

    Each email is marked sent (or retried with backoff, or failed for the office) on its own, the moment
    its fate is known, so a worker killed mid-batch repeats at most the one message in flight; its other
    claimed emails go back to the queue (`recover_tasks`).
    """
    batch = emails_claim(email_id=email_id, claim=claim, limit=limit)
    if not batch:
        return "not queued"
    outcome: Counter[str] = Counter()
    connection = get_connection(fail_silently=False)
    try:
        for position, email in enumerate(batch):
            try:
                if position == 0:
                    # Opened here and closed at the end: send_messages on an open connection leaves it open.
                    connection.open()
                connection.send_messages([_message_for(email)])
            except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
                error = f"{type(exc).__name__}: {exc}"[:2000]
                logger.warning("Email %s attempt %s failed: %s", email.code, email.attempts, error)
                # A refused recipient leaves the connection usable (smtplib resets the transaction); a lost
                # or refused connection would fail the rest of the batch alike, so they wait for a retry.
                lost = _connection_lost(exc)
                outcome.update(_record_failures(batch[position:] if lost else [email], error))
                if lost:
                    break
                continue
            _record_sent(email)
            outcome["sent"] += 1
    finally:
        connection.close()
    return ", ".join(f"{n} {what}" for what, n in sorted(outcome.items()))


def _record_sent(email: OutboundEmail) -> None:
    sent: dict[str, object] = {
        "status": OutboundEmail.Status.SENT,
        "sent_at": clock.now(),
        "last_error": "",
        "next_attempt_at": None,
        "claimed_by": "",
    }
    if email.is_secret and not settings.DEMO_MODE:
        sent.update(body_text=SECRET_REMOVED, body_html="")
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(**sent)


def _record_failures(emails: list[OutboundEmail], error: str) -> Counter[str]:
    """One failed attempt for each email, in a few statements however many: those out of attempts are
    failed for the office; the others wait out their backoff (`next_attempt_at`), with one retry job for
    each batch of emails due at the same moment. Returns how many are "failed" and "retrying"."""
    from homelearning.core.jobs import enqueue_many

    outcome: Counter[str] = Counter()
    now = clock.now()
    waiting: dict[int, list[int]] = defaultdict(list)  # attempts so far → email ids
    final = []
    for email in emails:
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            final.append(email.pk)
        else:
            waiting[email.attempts].append(email.pk)
    with transaction.atomic():
        if final:
            outcome["failed"] = OutboundEmail.objects.filter(pk__in=final, status=OutboundEmail.Status.SENDING).update(
                status=OutboundEmail.Status.FAILED, last_error=error, failed_at=now, claimed_by=""
            )
        jobs: list[tuple[dict[str, object], datetime.datetime | None]] = []
        for attempts, ids in waiting.items():
            retry_at = now + retry_delay(attempts)
            outcome["retrying"] += OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.SENDING).update(
                status=OutboundEmail.Status.QUEUED, last_error=error, next_attempt_at=retry_at, claimed_by=""
            )
            size = settings.EMAIL_BATCH_SIZE
            jobs += [({"email_id": ids[i]}, retry_at) for i in range(0, len(ids), size)]
        enqueue_many(send_email, jobs)
    return +outcome
