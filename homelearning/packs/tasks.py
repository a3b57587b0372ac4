"""Background work for packs: printing a whole class's packs."""

from __future__ import annotations

import logging

from django_tasks import task

from homelearning.core import clock
from homelearning.packs.models import PackBatch

logger = logging.getLogger(__name__)


@task()
def print_batch(*, batch_id: int) -> str:
    from homelearning.packs.services import batch_run

    batch = PackBatch.objects.select_related("school_class", "school", "requested_by__user").filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    try:
        return batch_run(batch=batch).status
    except Exception as exc:
        # A rendering failure will not mend itself on a retry: the office sees it and prints one by one.
        logger.exception("Printing batch %s failed", batch.code)
        PackBatch.objects.filter(pk=batch.pk, status=PackBatch.Status.QUEUED).update(
            status=PackBatch.Status.FAILED,
            finished_at=clock.now(),
            problems=[{"pack": "", "child": "", "problem": f"Printing stopped: {type(exc).__name__}"}],
        )
        return "failed"
