from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.models import OutboundEmail
from homelearning.provision.models import IllnessAlert
from homelearning.provision.selectors import illness_days
from homelearning.provision.tasks import illness_alerts
from tests.personas import World
from tests.provision.builders import active_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_alert_once_when_a_pupil_reaches_fifteen_i_days(world: World) -> None:
    # 14 school days coded I: not yet.
    active_case(world, start=datetime.date(2026, 11, 30), end=datetime.date(2026, 12, 17))
    assert illness_days(school=world.school, code="I", threshold=15) == {}
    assert illness_alerts.call() == 0
    # The 15th school day (consecutive or not) crosses the mark.
    active_case(world, pupil=world.ben, start=datetime.date(2026, 11, 30), end=datetime.date(2026, 12, 18))
    assert illness_days(school=world.school, code="I", threshold=15) == {world.ben.pk: 15}
    assert illness_alerts.call() == 1
    email = OutboundEmail.objects.get(kind="provision.illness_alert")
    assert email.to == "head@balfour.test" and "Ben Parker" in email.subject
    assert IllnessAlert.objects.get().pupil == world.ben
    # The next day's run tells nobody again.
    assert illness_alerts.call() == 0
    assert OutboundEmail.objects.filter(kind="provision.illness_alert").count() == 1


def test_dashboard_lists_pupils_at_the_mark(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    active_case(world, pupil=world.ben, start=datetime.date(2026, 11, 30), end=datetime.date(2026, 12, 18))
    page = client_for(world.head).get("/remote-education/").content.decode()
    assert "Ben Parker</a> (Ash): 15 school days coded I" in page


def test_the_task_is_one_of_the_daily_jobs(world: World) -> None:
    from homelearning.core.daily import daily_tasks

    assert ("homelearning.provision.tasks.illness_alerts", illness_alerts) in daily_tasks()
