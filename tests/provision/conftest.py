from __future__ import annotations

import pytest

from tests.personas import World
from tests.provision.builders import school_terms


@pytest.fixture
def terms(world: World) -> World:
    return school_terms(world)
