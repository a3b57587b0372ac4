"""Time from raised to acknowledged (SAF-02): shown per concern, and reported over a date range."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homelearning.core.models import AuditEvent
from homelearning.safeguarding import selectors, services
from tests.safeguarding import builders

LONDON = ZoneInfo("Europe/London")
URL = "/safeguarding/reports/acknowledgement"


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def concerns(world):
    """Three concerns in November: acknowledged after 10 min and after 2 h 30 min, and one still waiting.
    A fourth, in October, is outside the range the tests ask for."""
    made = []
    for raised, waited in [
        (datetime.datetime(2026, 10, 30, 9, 0, tzinfo=LONDON), 5),
        (at(2, 9), 10),
        (at(3, 14), 150),
        (at(4, 8), None),
    ]:
        with time_machine.travel(raised, tick=False):
            concern = builders.raised_concern(world)
        if waited is not None:
            with time_machine.travel(raised + datetime.timedelta(minutes=waited), tick=False):
                services.concern_acknowledge(concern=concern, by=world.dsl)
        made.append(concern)
    return made


class TestSelector:
    def test_waits_median_longest_and_still_waiting(self, world, concerns):
        report = selectors.acknowledgement_report(
            world.school, start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30), now=at(4, 9)
        )
        assert [r.concern for r in report.rows] == concerns[1:]
        assert [r.wait for r in report.rows] == [
            datetime.timedelta(minutes=10),
            datetime.timedelta(minutes=150),
            datetime.timedelta(hours=1),  # still waiting: so far
        ]
        assert report.still_waiting == 1
        assert report.median == datetime.timedelta(minutes=80)  # the middle of 10 and 150
        assert report.longest == datetime.timedelta(minutes=150)
        assert (report.median_text, report.longest_text) == ("1 h 20 min", "2 h 30 min")

    def test_the_range_is_whole_days_in_school_time(self, world, concerns):
        report = selectors.acknowledgement_report(
            world.school, start=datetime.date(2026, 10, 30), end=datetime.date(2026, 10, 30)
        )
        assert [r.concern for r in report.rows] == [concerns[0]]

    def test_another_schools_concerns_are_not_counted(self, world, concerns):
        report = selectors.acknowledgement_report(
            world.other_school, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
        )
        assert report.rows == [] and report.median is None

    @pytest.mark.parametrize(
        ("minutes", "text"), [(0, "0 min"), (45, "45 min"), (65, "1 h 05 min"), (60 * 24 * 2 + 240, "2 days 4 h")]
    )
    def test_duration_text(self, minutes, text):
        assert selectors.duration_text(datetime.timedelta(minutes=minutes)) == text


class TestPage:
    def test_the_dsl_sees_the_report_for_a_range_without_childrens_names(self, world, client_for, concerns):
        with time_machine.travel(at(4, 9), tick=False):
            response = client_for(world.dsl).get(URL, {"start": "2026-11-01", "end": "2026-11-30"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "1 h 20 min" in page and "2 h 30 min" in page and "Waiting 1 h 00 min so far" in page
        assert "Amy" not in page and "Parker" not in page
        event = AuditEvent.objects.get(action="safeguarding.acknowledgement_report.view")
        assert event.details == {"start": "2026-11-01", "end": "2026-11-30", "format": "html"}

    def test_the_default_is_the_last_30_days(self, world, client_for, concerns):
        with time_machine.travel(at(20, 9), tick=False):
            response = client_for(world.dsl).get(URL)
        report = response.context["report"]
        assert (report.start, report.end) == (datetime.date(2026, 10, 21), datetime.date(2026, 11, 20))
        assert len(report.rows) == 4

    def test_csv_download(self, world, client_for, concerns):
        with time_machine.travel(at(4, 9), tick=False):
            response = client_for(world.dsl).get(URL, {"start": "2026-11-01", "end": "2026-11-30", "format": "csv"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="concern-acknowledgement-2026-11-01-to-2026-11-30.csv"' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["Raised", "About", "Raised by", "Status", "Acknowledged", "Minutes to acknowledge"]
        assert rows[1] == ["2026-11-02 09:00", "Neglect", "Staff", "Acknowledged", "2026-11-02 09:10", "10"]
        assert rows[3][4:] == ["", ""]
        assert AuditEvent.objects.get(action="safeguarding.acknowledgement_report.view").details["format"] == "csv"

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"start": "2026-11-30", "end": "2026-11-01"}, "The last day cannot be before the first day."),
            ({"start": "yesterday", "end": "2026-11-01"}, "Enter a valid date."),
            ({"start": "", "end": "2026-11-01"}, "Give the first day."),
            ({"start": "2020-06-01", "end": "2026-11-01"}, "Choose at most five years."),
        ],
    )
    def test_bad_ranges_are_refused_clearly(self, world, client_for, concerns, query, message):
        response = client_for(world.dsl).get(URL, query)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert response.context["report"] is None

    def test_ladder(self, world, client, client_for, concerns):
        assert client.get(URL).status_code == 302
        for persona in ("teacher", "senior", "office", "parent"):
            assert client_for(getattr(world, persona)).get(URL).status_code == 403, persona
        # Another school's DSL team sees only their own school's (none).
        response = client_for(world.outsider_head).get(URL, {"start": "2026-01-01", "end": "2026-12-31"})
        assert response.status_code == 200 and response.context["report"].rows == []
        assert client_for(world.head).get(URL).status_code == 200


def test_the_reports_queries_do_not_grow_with_concerns(world, django_assert_max_num_queries):
    builders.acknowledged_concern(world)
    with django_assert_max_num_queries(1):
        selectors.acknowledgement_report(world.school, start=datetime.date(2020, 1, 1), end=datetime.date(2030, 1, 1))
    for _ in range(5):
        builders.acknowledged_concern(world)
    with django_assert_max_num_queries(1):
        report = selectors.acknowledgement_report(
            world.school, start=datetime.date(2020, 1, 1), end=datetime.date(2030, 1, 1)
        )
        assert [r.concern.category.name for r in report.rows] == ["Neglect"] * 6
