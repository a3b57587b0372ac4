"""Background tasks for roster imports."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_previews() -> int:
    """Daily: previews left waiting more than a day lose the rows (personal data) they hold."""
    from homelearning.roster.services import import_previews_expire

    return import_previews_expire()


@task()
def wonde_nightly() -> dict[str, object]:
    """Daily (DAILY_TASKS): each school linked to Wonde is synced and its remote-education marks written back."""
    from homelearning.roster.wonde_sync import nightly_all

    return nightly_all()
