"""Loaded by every Python subprocess of a `TEST_TODAY` test session (see tests/travel.py).

It moves this process's clock by the same offset as the test session's, so a db_worker or
manage.py started by a test sees the same day. Outside such a session the variable is unset and
this does nothing.
"""

import os
import time

_offset = os.environ.get("HOMELEARNING_TEST_CLOCK_OFFSET")
if _offset:
    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
