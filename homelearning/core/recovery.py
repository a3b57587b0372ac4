"""Putting back the work of a task worker that died (SIGKILL, out of memory, power cut).

django-tasks-db marks a job RUNNING when a worker claims it; if that worker dies, the job would stay
RUNNING for ever. A worker restarted under the same id (systemd: `--worker-id %H-%i`) first hands its
own unfinished jobs back to the queue; a timer hands back jobs that have been running far longer than
any task takes (a host that never came back). Tasks are written to be safe to run again.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from homelearning.core import clock
from homelearning.core.models import OutboundEmail

logger = logging.getLogger(__name__)

SEND_EMAIL_PATH = "homelearning.core.tasks.send_email"


def tasks_recover(*, worker_id: str = "", running_longer_than: datetime.timedelta | None = None) -> int:
    """Return RUNNING jobs of a dead worker (by id) or older than a limit to READY; the number returned."""
    if not worker_id and running_longer_than is None:
        raise ValueError("Name the dead worker's id or an age limit.")
    cutoff = clock.now() - running_longer_than if running_longer_than is not None else None
    with transaction.atomic():
        # A running job holds no row lock (the worker commits its claim before running it), so a live
        # worker's job looks like a dead one's: the age limit must be longer than any task can take.
        jobs = list(
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            .select_for_update()
            .only("id", "worker_ids", "task_path", "args_kwargs", "started_at")
        )
        recovered = []
        for job in jobs:
            last_worker = job.worker_ids[-1] if job.worker_ids else ""
            too_old = cutoff is not None and job.started_at is not None and job.started_at < cutoff
            if (worker_id and last_worker == worker_id) or too_old:
                recovered.append(job)
        for job in recovered:
            DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            if job.task_path == SEND_EMAIL_PATH:
                # The dead worker's batch (SENDING under this job's id) goes back to the queue; the re-run,
                # or any other worker's next job, claims it again.
                OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed_by=str(job.pk)).update(
                    status=OutboundEmail.Status.QUEUED, claimed_by=""
                )
            logger.warning("Task %s (%s) returned to the queue after its worker died.", job.pk, job.task_path)
    return len(recovered)
