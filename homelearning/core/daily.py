"""Daily jobs (alerts, digests): queued once a day by `manage.py enqueue_daily`, run by the task worker."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task

from homelearning.core.models import DailyRun


def daily_tasks() -> list[tuple[str, Task]]:
    tasks = []
    for path in settings.DAILY_TASKS:
        task = import_string(path)
        if not isinstance(task, Task):
            raise TypeError(f"DAILY_TASKS names {path}, which is not a task.")
        tasks.append((path, task))
    return tasks


def enqueue_daily(*, day: datetime.date) -> list[str]:
    """Queue each daily task for `day` unless it already was. Returns the paths queued now."""
    queued = []
    for path, task in daily_tasks():
        try:
            with transaction.atomic():
                DailyRun.objects.create(task_path=path, day=day)
                task.enqueue()
        except IntegrityError:
            continue  # Another host (or an earlier run) queued it today.
        queued.append(path)
    return queued
