from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django_tasks import task

from homelearning.core import clock
from homelearning.core.tasks import SECRET_REMOVED, retry_delay
from homelearning.texts import providers
from homelearning.texts.models import CallOrPost, OutboundText
from homelearning.texts.providers import TextError, TextRefused

logger = logging.getLogger(__name__)


@task()
def send_text(*, text_id: int) -> str:
    now = clock.now()
    claimed = (
        OutboundText.objects.filter(pk=text_id, status=OutboundText.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=OutboundText.Status.SENDING, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not due, or already sent"
    text = OutboundText.objects.select_related("carer", "school").get(pk=text_id)
    provider = providers.configured()
    try:
        if provider is None:
            raise TextRefused("No text provider is set up (TEXTS_PROVIDER).")
        provider_id = provider.send(to=text.to, body=text.body, reference=text.code)
    except TextRefused as exc:
        _fail(text, str(exc))
        return f"failed: {exc}"
    except TextError as exc:
        if text.attempts >= settings.TEXT_MAX_ATTEMPTS:
            _fail(text, str(exc))
            return f"failed after {text.attempts} attempts: {exc}"
        retry_at = clock.now() + retry_delay(text.attempts)
        OutboundText.objects.filter(pk=text.pk).update(
            status=OutboundText.Status.QUEUED, last_error=str(exc)[:1000], next_attempt_at=retry_at
        )
        send_text.using(run_after=retry_at).enqueue(text_id=text.pk)
        logger.warning("Text %s attempt %s failed: %s", text.code, text.attempts, exc)
        return f"retrying: {exc}"
    OutboundText.objects.filter(pk=text.pk).update(
        status=OutboundText.Status.SENT,
        sent_at=clock.now(),
        provider_id=provider_id[:80],
        last_error="",
        # A sign-in code is not kept once it has gone (except in the demo, whose outbox shows it).
        body=SECRET_REMOVED if text.is_secret and not settings.DEMO_MODE else F("body"),
    )
    return "sent"


@transaction.atomic
def _fail(text: OutboundText, error: str) -> None:
    OutboundText.objects.filter(pk=text.pk).update(
        status=OutboundText.Status.FAILED,
        last_error=error[:1000],
        failed_at=clock.now(),
        body=SECRET_REMOVED if text.is_secret else F("body"),
    )
    logger.warning("Text %s failed: %s", text.code, error)
    # What the family should have been told goes to the office (not a sign-in code: they can ask for another).
    if text.carer is not None and text.school is not None and not text.is_secret:
        CallOrPost.objects.create(
            school=text.school,
            carer=text.carer,
            kind=text.kind,
            message=(text.office_note or text.body)[:2000],
            reason=CallOrPost.Reason.TEXT_FAILED,
        )
