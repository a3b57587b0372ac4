from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.personas import World
from tests.provision.builders import ensure_absence_codes

from .builders import closure_week

# Monday 30 November 2026, 09:00 in London (GMT): the closure's first day.
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _absence_codes(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        ensure_absence_codes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def closed(world: World, clock) -> World:  # type: ignore[no-untyped-def]
    return closure_week(world)
