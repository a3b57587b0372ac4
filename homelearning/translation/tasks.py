from __future__ import annotations

import logging

from django_tasks import task

from homelearning.core import clock
from homelearning.core.tasks import retry_delay
from homelearning.translation import services
from homelearning.translation.providers import TranslationError

logger = logging.getLogger(__name__)

# After this many failures the original text simply stays: nothing is lost, the family reads it as written.
MAX_ATTEMPTS = 5


@task()
def translate_work(*, kind: str, pk: int, attempt: int = 1) -> str:
    try:
        stored = services.translate_work(kind=kind, pk=pk)
    except TranslationError as exc:
        if attempt >= MAX_ATTEMPTS:
            logger.warning("Translating %s %s failed %s times, giving up: %s", kind, pk, attempt, exc)
            return f"gave up: {exc}"
        logger.info("Translating %s %s failed (attempt %s), retrying: %s", kind, pk, attempt, exc)
        translate_work.using(run_after=clock.now() + retry_delay(attempt)).enqueue(
            kind=kind, pk=pk, attempt=attempt + 1
        )
        return f"retrying: {exc}"
    return f"{stored} stored"
