from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homelearning.core import clock
from homelearning.core.daily import enqueue_daily


class Command(BaseCommand):
    help = "Queue today's daily jobs (alerts and digests) once. Run it from cron or a systemd timer each morning."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = enqueue_daily(day=clock.today())
        if queued:
            self.stdout.write("Queued: " + ", ".join(queued))
        else:
            self.stdout.write("Today's daily jobs were already queued.")
