"""`manage.py recover_tasks --worker-id ID` / `--older-than SECONDS`: requeue a dead worker's jobs."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homelearning.core.recovery import tasks_recover


class Command(BaseCommand):
    help = "Return jobs left RUNNING by a dead task worker to the queue (safe: tasks are idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", default="", help="The id of a worker that is not running now.")
        parser.add_argument(
            "--older-than", type=int, default=None, help="Also requeue jobs running for more than this many seconds."
        )

    def handle(self, *args: Any, worker_id: str, older_than: int | None, **options: Any) -> None:
        if not worker_id and older_than is None:
            raise CommandError("Give --worker-id or --older-than.")
        if older_than is not None and older_than < 60:
            raise CommandError("--older-than must be at least 60 seconds: a live worker may still be on the job.")
        age = datetime.timedelta(seconds=older_than) if older_than is not None else None
        count = tasks_recover(worker_id=worker_id, running_longer_than=age)
        self.stdout.write(f"Returned {count} job(s) to the queue.")
