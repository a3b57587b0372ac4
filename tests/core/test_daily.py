import datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from homelearning.core.daily import enqueue_daily
from homelearning.core.models import DailyRun


def test_each_daily_task_is_queued_once_a_day(db, settings):
    day = datetime.date(2026, 12, 1)
    queued = enqueue_daily(day=day)
    assert queued == settings.DAILY_TASKS
    assert DBTaskResult.objects.count() == len(settings.DAILY_TASKS)
    assert enqueue_daily(day=day) == []
    assert DBTaskResult.objects.count() == len(settings.DAILY_TASKS)
    assert enqueue_daily(day=day + datetime.timedelta(days=1)) == settings.DAILY_TASKS
    assert DailyRun.objects.count() == 2 * len(settings.DAILY_TASKS)


# The worker manages its own connections, so it runs outside the test's transaction (as test_email does).
@pytest.mark.django_db(transaction=True)
def test_the_queued_jobs_run():
    enqueue_daily(day=datetime.date(2026, 12, 1))
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_command_says_what_it_did(db, capsys):
    call_command("enqueue_daily")
    assert "Queued: homelearning.provision.tasks.illness_alerts" in capsys.readouterr().out
    call_command("enqueue_daily")
    assert "already queued" in capsys.readouterr().out
