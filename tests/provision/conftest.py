from __future__ import annotations

import pytest

from tests.personas import World
from tests.provision.builders import ensure_absence_codes, school_terms


@pytest.fixture(autouse=True)
def _absence_codes(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    # Reference data from a data migration: a transactional test's flush (browser tests) deletes it.
    with django_db_blocker.unblock():
        ensure_absence_codes()


@pytest.fixture
def terms(world: World) -> World:
    return school_terms(world)
