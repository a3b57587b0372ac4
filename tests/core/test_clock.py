"""The one clock, and the mechanism that runs the suite on another day (`TEST_TODAY`, tests/travel.py)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine

from homelearning.core import clock
from tests import travel

ROOT = Path(__file__).resolve().parents[2]


def test_today_is_the_schools_date_not_utcs() -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST): a parent opening the page then sees 2 July.
    with time_machine.travel(datetime.datetime(2027, 7, 1, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert clock.today() == datetime.date(2027, 7, 2)
        assert clock.now() == datetime.datetime(2027, 7, 1, 23, 30, tzinfo=datetime.UTC)
        assert clock.local(clock.now()).hour == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-08-02", datetime.datetime(2027, 8, 2, 10, 0, tzinfo=travel.SCHOOL_ZONE)),
        ("2027-08-02T16:45", datetime.datetime(2027, 8, 2, 16, 45, tzinfo=travel.SCHOOL_ZONE)),
        (" 2026-12-25 ", datetime.datetime(2026, 12, 25, 10, 0, tzinfo=travel.SCHOOL_ZONE)),
    ],
)
def test_test_today_accepts_a_date_or_a_date_and_time(value: str, expected: datetime.datetime) -> None:
    assert travel.parse(value) == expected


@pytest.mark.parametrize("value", ["", "tomorrow", "2027-02-30", "02/08/2027"])
def test_test_today_refuses_anything_else_with_a_clear_message(value: str) -> None:
    with pytest.raises(ValueError, match="is not a date like 2027-08-02"):
        travel.parse(value)


def test_a_travelled_session_and_the_processes_it_starts_share_one_day() -> None:
    """What `TEST_TODAY` does to pytest's own process, and to a manage.py or db_worker a test starts."""
    script = (
        "import subprocess, sys, datetime\n"
        "from tests import travel\n"
        "from django.conf import settings\n"
        "settings.configure(USE_TZ=True, TIME_ZONE='Europe/London')\n"
        "from homelearning.core import clock\n"
        "travel.start_session_travel('2031-03-04')\n"
        "child = subprocess.run([sys.executable, '-c', 'import datetime; print(datetime.date.today())'],"
        " capture_output=True, text=True, check=True)\n"
        "print(clock.today(), child.stdout.strip())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in (travel.ENV, travel.OFFSET_ENV)}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2031-03-04", "2031-03-04"]


def test_a_process_without_the_offset_keeps_the_real_clock() -> None:
    env = {k: v for k, v in os.environ.items() if k not in (travel.ENV, travel.OFFSET_ENV)}
    env["PYTHONPATH"] = str(travel.SITE_DIR)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; print('time_machine' in sys.modules)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == "False"
