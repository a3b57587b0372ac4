"""Enqueueing many jobs of one task in one INSERT, for services that book work by the hundred.

`task.enqueue()` writes one row a call. `enqueue_many` writes the same rows as the database backend's
own `enqueue` (django-tasks-db: id, arguments, priority, path, queue, run-after, backend) with one
`bulk_create`, in the caller's transaction, and sends the same `task_enqueued` signal for each. Another
backend (the tests' immediate one, say) gets the calls one by one.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max


def enqueue_many(task: Task[Any, Any], calls: Sequence[tuple[dict[str, Any], datetime.datetime | None]]) -> int:
    """Enqueue `task` once per (keyword arguments, run after or None) pair. Returns how many."""
    if not calls:
        return 0
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for kwargs, run_after in calls:
            task.using(run_after=run_after).enqueue(**kwargs)
        return len(calls)
    backend.validate_task(task)
    rows: list[DBTaskResult[Any, Any]] = [
        DBTaskResult(
            id=backend._get_id(),  # the backend's own id, as its enqueue makes it
            args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the backend's pre_save signal does for "as soon as possible" (bulk_create sends none).
            run_after=run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for kwargs, run_after in calls
    ]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
    return len(rows)
