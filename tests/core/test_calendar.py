import datetime

import pytest

from homelearning.core.calendar import bank_holiday_name, is_school_day, next_school_days, school_days_between
from homelearning.core.models import NonSchoolDay, Term


@pytest.fixture
def autumn(world):
    Term.objects.create(
        school=world.school,
        name="Autumn 2026",
        first_day=datetime.date(2026, 9, 2),
        last_day=datetime.date(2026, 12, 18),
    )
    Term.objects.create(
        school=world.school,
        name="Spring 2027",
        first_day=datetime.date(2027, 1, 5),
        last_day=datetime.date(2027, 3, 26),
    )
    NonSchoolDay.objects.create(school=world.school, date=datetime.date(2026, 11, 30), kind=NonSchoolDay.Kind.INSET)
    return world.school


def test_a_term_weekday_is_a_school_day(autumn):
    assert is_school_day(autumn, datetime.date(2026, 12, 1))  # Tuesday


def test_weekends_inset_days_and_holidays_are_not(autumn):
    assert not is_school_day(autumn, datetime.date(2026, 11, 28))  # Saturday
    assert not is_school_day(autumn, datetime.date(2026, 11, 30))  # INSET
    assert not is_school_day(autumn, datetime.date(2026, 12, 28))  # Christmas holidays, outside any term


def test_bank_holidays_inside_a_term_are_not_school_days(world):
    Term.objects.create(
        school=world.school, name="Summer", first_day=datetime.date(2027, 4, 12), last_day=datetime.date(2027, 7, 21)
    )
    assert bank_holiday_name(datetime.date(2027, 5, 3)) == "May Day"
    assert not is_school_day(world.school, datetime.date(2027, 5, 3))
    assert is_school_day(world.school, datetime.date(2027, 5, 4))


def test_next_school_days_skip_the_christmas_holidays(autumn):
    days = next_school_days(autumn, datetime.date(2026, 12, 17), 4)
    assert days == [
        datetime.date(2026, 12, 17),
        datetime.date(2026, 12, 18),
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 6),
    ]


def test_next_school_days_stop_when_the_calendar_runs_out(autumn):
    # 26 March 2027 is Good Friday, so the spring term's last school day is the 25th.
    assert next_school_days(autumn, datetime.date(2027, 3, 24), 10) == [
        datetime.date(2027, 3, 24),
        datetime.date(2027, 3, 25),
    ]
    assert next_school_days(autumn, datetime.date(2027, 3, 24), 0) == []


def test_school_days_between_counts_each_day_once(autumn):
    days = school_days_between(autumn, datetime.date(2026, 11, 23), datetime.date(2026, 12, 4))
    assert len(days) == 9  # two weeks less the INSET day
    assert school_days_between(autumn, datetime.date(2026, 12, 4), datetime.date(2026, 11, 23)) == []


def test_another_schools_calendar_does_not_count(autumn, world):
    assert not is_school_day(world.other_school, datetime.date(2026, 12, 1))


def test_calendar_queries_do_not_grow_with_the_range(autumn, django_assert_num_queries):
    with django_assert_num_queries(2):
        next_school_days(autumn, datetime.date(2026, 9, 1), 100)


def test_next_school_days_can_fall_back_to_weekdays_where_no_term_is_entered(autumn):
    # After the spring term nothing is entered: strictly, fewer days than asked; for a deadline, weekdays.
    # Wednesday 24 and Thursday 25 March 2027 are the last school days entered (26th is Good Friday).
    near_the_end = datetime.date(2027, 3, 24)
    assert next_school_days(autumn, near_the_end, 3) == [datetime.date(2027, 3, 24), datetime.date(2027, 3, 25)]
    assert next_school_days(autumn, near_the_end, 3, weekdays_without_terms=True) == [
        datetime.date(2027, 3, 24),
        datetime.date(2027, 3, 25),
        datetime.date(2027, 3, 26),
    ]


def test_the_loaded_calendar_counts_school_days_within_its_range(autumn):
    from homelearning.core.calendar import SchoolCalendar

    calendar = SchoolCalendar.load(autumn, datetime.date(2026, 11, 26), datetime.date(2026, 12, 31))
    # Thursday 26, Friday 27, (weekend), Monday 30 is INSET, Tuesday 1 December.
    assert calendar.school_days_from(datetime.date(2026, 11, 26), 3, end=datetime.date(2026, 12, 31)) == [
        datetime.date(2026, 11, 26),
        datetime.date(2026, 11, 27),
        datetime.date(2026, 12, 1),
    ]
    assert calendar.school_days_from(datetime.date(2026, 12, 17), 5, end=datetime.date(2026, 12, 31)) == [
        datetime.date(2026, 12, 17),
        datetime.date(2026, 12, 18),
    ]


def test_working_days_around_a_weekend_a_holiday_and_no_terms(autumn, world):
    """Day links (issue 19): from a Saturday or the Christmas holiday, the school days around it; where no term
    is entered near the day, weekdays that are not bank holidays stand in, so a link always leads somewhere."""
    from homelearning.core.calendar import working_days_around

    saturday = datetime.date(2026, 10, 17)
    earlier, later = working_days_around(autumn, saturday, before=2, after=3)
    assert earlier == [datetime.date(2026, 10, 15), datetime.date(2026, 10, 16)]
    assert later == [datetime.date(2026, 10, 19), datetime.date(2026, 10, 20), datetime.date(2026, 10, 21)]
    assert working_days_around(autumn, saturday, before=0, after=1)[0] == []
    earlier, later = working_days_around(autumn, datetime.date(2026, 12, 24), before=1, after=2)
    assert earlier == [datetime.date(2026, 12, 18)]  # the last day of term
    assert later == [datetime.date(2027, 1, 5), datetime.date(2027, 1, 6)]  # the first of the next
    # Another school with no terms at all: weekdays, the Christmas bank holidays skipped.
    _, later = working_days_around(world.other_school, datetime.date(2026, 12, 24), before=0, after=3)
    assert later == [datetime.date(2026, 12, 24), datetime.date(2026, 12, 29), datetime.date(2026, 12, 30)]
