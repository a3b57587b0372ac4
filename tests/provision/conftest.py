from __future__ import annotations

import datetime

import pytest

from homelearning.core.models import Term
from tests.personas import World
from tests.provision.builders import ensure_absence_codes


@pytest.fixture(autouse=True)
def _absence_codes(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    # Reference data from a data migration: a transactional test's flush (browser tests) deletes it.
    with django_db_blocker.unblock():
        ensure_absence_codes()


@pytest.fixture
def terms(world: World) -> World:
    """Autumn 2026 and spring 2027 terms for the test school (it has none by default)."""
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
    return world
