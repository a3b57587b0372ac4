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


DEC_17 = datetime.date(2026, 12, 17)
DEC_18 = datetime.date(2026, 12, 18)


def on(day: datetime.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=datetime.UTC), tick=False)


def test_alert_once_when_a_pupil_reaches_fifteen_i_days(world: World) -> None:
    active_case(world, start=datetime.date(2026, 11, 30), end=DEC_17)  # Amy: 14 school days coded I
    active_case(world, pupil=world.ben, start=datetime.date(2026, 11, 30), end=DEC_18)  # Ben: 15
    with on(DEC_17):
        # 14 days have happened for each: not yet.
        assert illness_days(school=world.school, code="I", threshold=15, today=DEC_17) == {}
        assert illness_alerts.call() == 0
    with on(DEC_18):
        # Ben's 15th school day (consecutive or not) crosses the mark.
        assert illness_days(school=world.school, code="I", threshold=15, today=DEC_18) == {world.ben.pk: 15}
        assert illness_alerts.call() == 1
        email = OutboundEmail.objects.get(kind="provision.illness_alert")
        assert email.to == "head@balfour.test" and "Ben Parker" in email.subject
        assert IllnessAlert.objects.get().pupil == world.ben
        # The next run tells nobody again.
        assert illness_alerts.call() == 0
    assert OutboundEmail.objects.filter(kind="provision.illness_alert").count() == 1


def test_days_still_to_come_are_not_counted(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    """A case begun today for the weeks ahead marks those days now; they are not illness absence yet."""
    active_case(world, pupil=world.ben, start=datetime.date(2026, 11, 30), end=DEC_18)
    assert illness_days(school=world.school, code="I", threshold=1, today=datetime.date(2026, 11, 27)) == {}
    assert illness_alerts.call() == 0
    page = client_for(world.head).get("/remote-education/").content.decode()
    assert "school days coded I" not in page


def test_dashboard_lists_pupils_at_the_mark(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    active_case(world, pupil=world.ben, start=datetime.date(2026, 11, 30), end=DEC_18)
    with on(DEC_18):
        page = client_for(world.head).get("/remote-education/").content.decode()
    assert "Ben Parker</a> (Ash): 15 school days coded I" in page


def test_the_task_is_one_of_the_daily_jobs(world: World) -> None:
    from homelearning.core.daily import daily_tasks

    assert ("homelearning.provision.tasks.illness_alerts", illness_alerts) in daily_tasks()
