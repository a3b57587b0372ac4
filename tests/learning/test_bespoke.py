from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.learning.models import Activity, ActivityOmission
from tests.learning.conftest import TODAY, activities, planned_day, subject
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def pupil_url(pupil, day=TODAY) -> str:  # type: ignore[no-untyped-def]
    return reverse("learning:pupil_day", args=[pupil.code, day.isoformat()])


def change_url(pupil, day=TODAY) -> str:  # type: ignore[no-untyped-def]
    return reverse("learning:pupil_change", args=[pupil.code, day.isoformat()])


def data(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {"subject": subject("wellbeing").pk, "title": "Sensory break", "minutes": 20}
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("inclusion", 200),
        ("head", 200),
        ("teacher_ash", 404),
        ("ta", 403),
        ("office", 403),
        ("parent", 403),
        ("outsider_head", 404),
    ],
)
def test_bespoke_ladder(world: World, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher)
    assert client_for(getattr(world, persona)).get(pupil_url(world.cara)).status_code == status


def test_drop_replace_and_add_for_one_pupil(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    maths, reading, _wellbeing = activities(plan)
    client = client_for(world.inclusion)
    assert client.post(change_url(world.cara), {"action": "drop", "activity": reading.code}).status_code == 302
    response = client.post(pupil_url(world.cara), data(replaces=maths.code, title="Maths with counters", minutes=30))
    assert response.status_code == 302
    assert client.post(pupil_url(world.cara), data()).status_code == 302
    assert AuditEvent.objects.filter(action__startswith="learning.bespoke", target_code=world.cara.code).count() == 3

    cara_page = client_for(world.other_parent).get(reverse("people:child_detail", args=[world.cara.code]))
    text = cara_page.content.decode()
    assert text.index("Maths with counters") < text.index("Activity 3") < text.index("Sensory break")
    assert "Activity 2" not in text
    assert "Activity 1" not in text
    assert "Just for Cara" in text
    # Amy, in the same class, still has the class's day.
    amy_page = client_for(world.parent).get(reverse("people:child_detail", args=[world.amy.code])).content.decode()
    assert "Activity 1" in amy_page and "Activity 2" in amy_page
    assert "Sensory break" not in amy_page


def test_restore_and_remove(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    maths, reading, _ = activities(plan)
    client = client_for(world.teacher)
    client.post(change_url(world.cara), {"action": "drop", "activity": reading.code})
    client.post(pupil_url(world.cara), data(replaces=maths.code))
    client.post(change_url(world.cara), {"action": "restore", "activity": reading.code})
    client.post(change_url(world.cara), {"action": "restore", "activity": maths.code})
    assert not ActivityOmission.objects.exists()
    assert not Activity.objects.filter(pupil=world.cara).exists()
    client.post(pupil_url(world.cara), data(confirm_over="on"))
    added = Activity.objects.get(pupil=world.cara)
    client.post(change_url(world.cara), {"action": "remove", "activity": added.code})
    assert not Activity.objects.filter(pupil=world.cara).exists()


def test_bad_bespoke_input(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    ash_plan = planned_day(world.ash, world.teacher_ash)
    client = client_for(world.teacher)
    assert client.post(pupil_url(world.cara), data(minutes=0)).status_code == 400
    assert client.post(pupil_url(world.cara), data(minutes=200)).status_code == 400
    # Another class's activity cannot be dropped or replaced for Cara.
    other = activities(ash_plan)[0]
    assert client.post(change_url(world.cara), {"action": "drop", "activity": other.code}).status_code == 404
    assert client.post(pupil_url(world.cara), data(replaces=other.code)).status_code == 404
    client.post(change_url(world.cara), {"action": "explode", "activity": activities(plan)[0].code})
    # Over the entitlement (the class day is already 180): confirm first.
    response = client.post(pupil_url(world.cara), data())
    assert response.status_code == 400
    assert "Confirm" in response.content.decode()
    assert not Activity.objects.filter(pupil__isnull=False).exists()
    assert not ActivityOmission.objects.exists()
    assert client.post(pupil_url(world.cara), data(confirm_over="on")).status_code == 302


def test_dropping_twice_is_a_clear_message(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    reading = activities(plan)[1]
    client = client_for(world.teacher)
    client.post(change_url(world.cara), {"action": "drop", "activity": reading.code})
    response = client.post(change_url(world.cara), {"action": "drop", "activity": reading.code}, follow=True)
    assert "already dropped" in response.content.decode()
    assert ActivityOmission.objects.count() == 1


# --- issue 19: adapting from a weekend, and the way there from the pupil's page ------------------------------


def test_a_weekend_leads_to_the_next_planned_day(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.learning.conftest import SATURDAY

    monday = SATURDAY + datetime.timedelta(days=2)
    tuesday = monday + datetime.timedelta(days=1)
    planned_day(world.oak, world.teacher, day=tuesday)
    text = client_for(world.teacher).get(pupil_url(world.cara, SATURDAY)).content.decode()
    assert "Nothing is planned for Oak on Saturday 17 January" in text
    assert f'href="{pupil_url(world.cara, tuesday)}">Go to Tuesday 20 January</a>, the next day with a plan' in text
    # Day links: two school days before, the next six from Saturday; the unplanned ones said so.
    start = text.index('<nav aria-label="Days"')
    nav = text[start : text.index("</nav>", start)]
    links = re.findall(
        r'href="/pupils/[^/]+/learning/([0-9-]+)/"[^>]*>([^<]+)(<span class="muted"> \(not planned\))?', nav
    )
    days = [d for d, _label, _unplanned in links]
    assert days[:3] == ["2026-01-15", "2026-01-16", "2026-01-19"]
    assert len(days) == 8 and "2026-01-17" not in days and "2026-01-18" not in days
    assert [d for d, _label, unplanned in links if not unplanned] == ["2026-01-20"]


def test_a_day_links_to_itself_as_the_current_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher)
    text = client_for(world.teacher).get(pupil_url(world.cara)).content.decode()
    assert f'href="{pupil_url(world.cara)}" aria-current="page"' in text


def test_no_plan_ahead_says_plan_first(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    text = client_for(world.teacher).get(pupil_url(world.cara)).content.decode()
    assert "Plan the class\u2019s day first, or choose another day above." in text


def test_the_planning_page_starts_adapting_on_the_next_school_day(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.learning.conftest import SATURDAY

    with time_machine.travel(datetime.datetime(2026, 1, 17, 9, 0, tzinfo=datetime.UTC), tick=False):
        text = client_for(world.teacher).get(reverse("learning:index")).content.decode()
        monday = datetime.date(2026, 1, 19)
        assert pupil_url(world.cara, monday) in text and pupil_url(world.cara, SATURDAY) not in text
        assert "Adapt Monday 19 January\u2019s learning for one pupil" in text
        assert "Plan for Monday 19 January" in text


@pytest.mark.parametrize(("persona", "linked"), [("teacher", True), ("head", True), ("ta", False), ("office", False)])
def test_the_pupil_page_links_to_their_learning(world: World, client_for, persona: str, linked: bool) -> None:  # type: ignore[no-untyped-def]
    text = (
        client_for(getattr(world, persona)).get(reverse("people:pupil_detail", args=[world.cara.code])).content.decode()
    )
    assert (f'href="{pupil_url(world.cara)}">Cara\u2019s learning for Wednesday 14 January' in text) == linked
