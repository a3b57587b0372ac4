"""Clear import previews left waiting more than a day (run daily from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homelearning.roster.services import import_previews_expire


class Command(BaseCommand):
    help = "Expire import previews older than a day, deleting the file rows they hold."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Expired {import_previews_expire()} import preview(s).")
