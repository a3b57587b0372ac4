from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from homelearning.learning.models import Activity, Plan, Resource
from homelearning.learning.selectors import planned_minutes
from tests.learning.conftest import TODAY
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def test_refuses_outside_the_demo(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_learning_demo")


def test_seeds_links_and_a_week_once(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_learning_demo")
    urls = set(Resource.objects.filter(school=world.school).values_list("url", flat=True))
    assert "https://whiterosemaths.com/homelearning/year-1/" in urls
    assert "https://www.activelearnprimary.co.uk/" in urls
    assert "https://balfour-infant.example.org/curriculum/" in urls
    assert all(u.startswith("https://") for u in urls)
    assert Plan.objects.filter(school_class=world.oak).count() == 5
    assert Plan.objects.filter(school_class=world.oak).earliest("date").date == TODAY
    counts = (Resource.objects.count(), Plan.objects.count(), Activity.objects.count())
    call_command("seed_learning_demo")
    assert (Resource.objects.count(), Plan.objects.count(), Activity.objects.count()) == counts
    minutes = planned_minutes(pupils=[world.amy], start=TODAY, end=TODAY)
    assert minutes[world.amy.pk][TODAY] == 180
