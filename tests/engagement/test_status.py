"""The pure rule: engaged, quiet for N school days, not reached."""

from __future__ import annotations

import datetime

from homelearning.engagement.selectors import ENGAGED, NOT_REACHED, QUIET, DaySignals, status_for

MON = datetime.date(2026, 12, 7)


def days(*signals: str) -> list[DaySignals]:
    """One remote school day a letter, from Monday: o opened, w work, c call got through, m live missed, - none."""
    names = {"o": "opened", "w": "sent", "c": "called", "m": "live_missed", "p": "on_pack"}
    return [
        DaySignals(date=MON + datetime.timedelta(days=i), **({names[s]: True} if s != "-" else {}))
        for i, s in enumerate(signals)
    ]


def test_a_child_with_something_yesterday_is_engaged():
    assert status_for(days("o", "w", "-"), today=MON + datetime.timedelta(days=2), quiet_after=2) == (ENGAGED, 0)


def test_quiet_after_n_school_days_in_a_row_with_nothing():
    # Mon opened; Tue, Wed nothing; today is Thursday.
    assert status_for(days("o", "-", "-", "-"), today=MON + datetime.timedelta(days=3), quiet_after=2) == (QUIET, 2)
    assert status_for(days("o", "-", "-", "-"), today=MON + datetime.timedelta(days=3), quiet_after=3) == (ENGAGED, 2)


def test_today_counts_once_something_comes_and_never_against_the_child():
    thursday = MON + datetime.timedelta(days=3)
    assert status_for(days("o", "-", "-", "-"), today=thursday, quiet_after=2)[0] == QUIET
    assert status_for(days("o", "-", "-", "w"), today=thursday, quiet_after=2) == (ENGAGED, 0)
    # First day of a closure, nothing yet: not quiet.
    assert status_for(days("-"), today=MON, quiet_after=1) == (ENGAGED, 0)


def test_nothing_at_all_and_no_call_through_is_not_reached():
    wednesday = MON + datetime.timedelta(days=2)
    assert status_for(days("-", "-", "-"), today=wednesday, quiet_after=2) == (NOT_REACHED, 2)


def test_a_call_that_got_through_makes_a_silent_child_quiet_not_unreached():
    wednesday = MON + datetime.timedelta(days=2)
    assert status_for(days("c", "-", "-"), today=wednesday, quiet_after=2) == (QUIET, 2)


def test_a_missed_live_session_is_not_engagement_and_a_pack_in_hand_is():
    wednesday = MON + datetime.timedelta(days=2)
    assert status_for(days("m", "m", "-"), today=wednesday, quiet_after=2)[0] == NOT_REACHED
    assert status_for(days("-", "p", "-"), today=wednesday, quiet_after=2) == (ENGAGED, 0)
