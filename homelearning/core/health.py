"""The health endpoint for load balancers and monitoring, and the page shown when the database is away."""

from __future__ import annotations

import datetime
import errno
import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from homelearning.core import clock

logger = logging.getLogger(__name__)

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def oldest_ready_job_age(now: datetime.datetime) -> datetime.timedelta | None:
    """How long the longest-waiting job that could run now has waited (None: nothing is waiting)."""
    ready = DBTaskResult.objects.ready()
    # A job with no run_after became ready when queued; a delayed one (a retry) when its time came.
    oldest = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"],
    ]
    times = [at for at in oldest if at is not None]
    return now - min(times) if times else None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the task queue is being worked; 503 (with the reason) when not."""
    now = clock.now()
    body: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        age = oldest_ready_job_age(now)
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
    except DatabaseError as exc:
        logger.error("Health check: the database did not answer: %s", exc)
        return JsonResponse({"status": "fail", "database": "unavailable"}, status=503)
    limit = settings.HEALTH_QUEUE_MAX_AGE_SECONDS
    waited = round(age.total_seconds()) if age is not None else 0
    body.update(database="ok", queue={"oldest_ready_seconds": waited, "limit_seconds": limit, "running": running})
    if waited > limit:
        # Jobs are waiting longer than they should: no worker is running, or too few for the load.
        body.update(status="fail", reason="task queue is not being worked")
        return JsonResponse(body, status=503)
    return JsonResponse(body)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a lost database connection is a friendly "try again shortly" 503, not an error page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("core/unavailable.html"), status=503)
        response["Retry-After"] = "30"
        return response
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        # Services write the record and its files in one transaction and delete written files on
        # failure, so the person is told plainly that nothing was kept.
        logger.critical("Storage is full: an upload was refused (%s).", exc)
        return HttpResponse(render_to_string("core/storage_full.html"), status=507)
    return HttpResponseServerError(render_to_string("500.html"))
