"""Daily privacy work: the retention pass (after the last dry run) and a fresh dry run; the policy review reminder."""

from __future__ import annotations

from django_tasks import task

from homelearning.core import clock
from homelearning.people.models import PolicyVersion, School
from homelearning.privacy import services
from homelearning.privacy.retention import last_dry_run


@task()
def retention_daily() -> dict[str, int]:
    """For each school: remove what yesterday's dry run listed and is still due, then list what goes next.

    A school's first run only makes the dry run, so nothing is ever removed unannounced.
    """
    today = clock.today()
    removed: dict[str, int] = {}
    for school in School.objects.order_by("pk"):
        if last_dry_run(school) is not None:
            run = services.retention_pass(school=school, by=None, today=today)
            removed[school.code] = run.total
        services.retention_dry_run(school=school, by=None, today=today)
    return removed


@task()
def policy_review_reminders() -> int:
    """Remind headteachers once, `review_warning_days` (60 by default) before their policy's review date."""
    today = clock.today()
    sent = 0
    for policy in PolicyVersion.objects.filter(in_force=True).select_related("school"):
        sent += services.policy_review_remind(policy=policy, today=today)
    return sent


@task()
def sar_deadline_digest() -> int:
    """Tell the headteacher and the office each morning about requests due within a week or overdue.

    The email names no one: it links to the requests page.
    """
    from homelearning.privacy.services import sar_deadline_remind

    today = clock.today()
    return sum(sar_deadline_remind(school=school, today=today) for school in School.objects.order_by("pk"))
