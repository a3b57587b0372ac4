"""The leaders' entitlement report: remote-education days (provision) against planned minutes (learning)."""

from __future__ import annotations

import datetime

import pytest

from homelearning.learning.entitlement import entitlement_report
from tests.learning.conftest import planned_day
from tests.personas import World
from tests.provision.builders import whole_school_closure

MON, TUE, WED, FRI = (datetime.date(2026, 1, d) for d in (12, 13, 14, 16))
URL = "/learning/entitlement/"


@pytest.fixture
def snow_week(world: World, term: None) -> None:
    """Closed Monday to Friday; Oak's plans: Mon 180 min, Tue 120, Wed 200, none on Thu and Fri; Ash none."""
    whole_school_closure(world, first=MON, last=FRI)
    planned_day(world.oak, world.teacher, day=MON, minutes=(60, 60, 60))
    planned_day(world.oak, world.teacher, day=TUE, minutes=(60, 60))
    planned_day(world.oak, world.teacher, day=WED, minutes=(100, 100))


def test_report_counts_each_remote_day_against_the_policy_minutes(world: World, snow_week: None) -> None:
    report = entitlement_report(school=world.school, start=MON, end=FRI, target=180)
    by_class = {line.school_class.name: line.tally for line in report.classes}
    assert (by_class["Oak"].remote_days, by_class["Oak"].met, by_class["Oak"].under, by_class["Oak"].over) == (
        10,
        4,
        6,
        2,
    )
    assert by_class["Oak"].share_met == 40
    assert (by_class["Ash"].remote_days, by_class["Ash"].met, by_class["Ash"].share_met) == (5, 0, 0)
    assert (report.school.remote_days, report.school.met) == (15, 4)
    amy = next(line for line in report.pupils if line.pupil == world.amy)
    assert amy.short_days == [(TUE, 120), (datetime.date(2026, 1, 15), 0), (FRI, 0)]
    assert world.outsider_pupil not in [line.pupil for line in report.pupils]


def test_days_outside_remote_education_do_not_count(world: World, term: None) -> None:
    planned_day(world.oak, world.teacher, day=MON, minutes=(30,))
    report = entitlement_report(school=world.school, start=MON, end=FRI, target=180)
    assert report.pupils == []
    assert report.school.share_met is None


def test_report_queries_do_not_grow_with_pupils_or_days(
    world: World, snow_week: None, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(5):
        entitlement_report(school=world.school, start=MON, end=FRI, target=180)


class TestEntitlementPage:
    def test_anonymous(self, world: World, client) -> None:  # type: ignore[no-untyped-def]
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("persona", ["teacher", "ta", "office", "parent"])
    def test_other_roles_are_refused(self, world: World, client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
        assert client_for(getattr(world, persona)).get(URL).status_code == 403

    @pytest.mark.parametrize("persona", ["head", "senior", "inclusion"])
    def test_leaders_see_their_school(self, world: World, snow_week: None, client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
        response = client_for(getattr(world, persona)).get(URL, {"date_from": "2026-01-12", "date_to": "2026-01-16"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "4 of 15 remote days met the entitlement (27%)" in page
        assert "Tue 13 Jan: 120 min" in page

    def test_another_schools_head_sees_none_of_ours(self, world: World, snow_week: None, client_for) -> None:  # type: ignore[no-untyped-def]
        response = client_for(world.outsider_head).get(URL, {"date_from": "2026-01-12", "date_to": "2026-01-16"})
        assert response.context["report"].pupils == []
        assert "Amy" not in response.content.decode()

    def test_defaults_to_the_last_four_weeks(self, world: World, snow_week: None, client_for) -> None:  # type: ignore[no-untyped-def]
        report = client_for(world.head).get(URL).context["report"]
        assert (report.start, report.end) == (datetime.date(2025, 12, 18), datetime.date(2026, 1, 14))

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"date_from": "2026-01-16", "date_to": "2026-01-12"}, "must be on or before"),
            ({"date_from": "2024-01-01", "date_to": "2026-01-12"}, "at most about a school year"),
            ({"date_from": "yesterday", "date_to": "2026-01-12"}, "Enter a valid date"),
        ],
    )
    def test_bad_ranges_are_explained(self, world: World, client_for, query: dict, message: str) -> None:  # type: ignore[no-untyped-def]
        response = client_for(world.head).get(URL, query)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert response.context["report"] is None
