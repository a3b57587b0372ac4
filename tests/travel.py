"""Run the whole suite as if today were another day: `TEST_TODAY=2027-08-02 make test`.

The pytest process travels there with time-machine for the whole session (ticking, so time still
passes). Subprocesses the tests start (manage.py, db_worker) inherit the same clock through
`tests/clock_travel/sitecustomize.py`, which the session puts first on PYTHONPATH with the offset
in the environment. The live server of the browser tests is a thread of this process, so it sees
the same day as the tests.

`TEST_TODAY` is a date (`2027-08-02`, at 10:00 in the school's time zone) or a date and time
(`2027-08-02T16:45`). A test that freezes the clock itself (the `time_machine` fixture) still
does; the session travel comes back when it ends.
"""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ENV = "TEST_TODAY"
OFFSET_ENV = "HOMELEARNING_TEST_CLOCK_OFFSET"
SITE_DIR = Path(__file__).resolve().parent / "clock_travel"
SCHOOL_ZONE = ZoneInfo("Europe/London")
DEFAULT_TIME = datetime.time(10, 0)


def parse(value: str) -> datetime.datetime:
    """`2027-08-02` or `2027-08-02T16:45`, in the school's time zone; a clear error for anything else."""
    text = value.strip()
    try:
        if "T" in text or " " in text:
            moment = datetime.datetime.fromisoformat(text)
        else:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), DEFAULT_TIME)
    except ValueError:
        raise ValueError(f"{ENV}={value!r} is not a date like 2027-08-02 or 2027-08-02T16:45") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SCHOOL_ZONE)
    return moment


def start_session_travel(value: str) -> datetime.datetime:
    """Travel this process and every subprocess it starts to `value`; returns the moment travelled to."""
    import time_machine

    moment = parse(value)
    offset = moment.timestamp() - time.time()
    os.environ[OFFSET_ENV] = repr(offset)
    paths = [str(SITE_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    time_machine.travel(moment, tick=True).start()
    return moment
