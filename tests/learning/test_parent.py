from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homelearning.core import services as core_services
from homelearning.core.models import NonSchoolDay
from homelearning.learning import services
from homelearning.people import services as people_services
from homelearning.people.models import PupilCarer, Staff
from tests.learning.conftest import TODAY, TOMORROW, YESTERDAY, planned_day, subject
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def test_home_shows_each_childs_day_in_order(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(45, 30))
    planned_day(world.ash, world.teacher_ash, minutes=(60,), subjects=("science",))
    page = client_for(world.parent).get(reverse("home")).content.decode()
    assert "Today\u2019s learning" in page
    amy = page[page.index(">Amy</a>") :]
    assert amy.index("Activity 1") < amy.index("Activity 2")
    assert "About 45 min" in page
    assert "about 1 h 15 min in all" in page
    assert "Foundation Subjects: Science" in page
    assert "Amelia" not in page and "Parker" not in page.split("<main")[1]
    assert reverse("learning:child_day", args=[world.amy.code, YESTERDAY.isoformat()]) in page
    assert reverse("learning:child_day", args=[world.amy.code, TOMORROW.isoformat()]) in page


def test_child_page_shows_today(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher)
    page = client_for(world.parent).get(reverse("people:child_detail", args=[world.amy.code])).content.decode()
    assert "Activity 3" in page
    assert "?print=1" in page


def test_nothing_planned(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.parent).get(reverse("home")).content.decode()
    assert "Nothing is planned for this day." in page


def test_other_days_and_print(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, day=TOMORROW, minutes=(25,))
    client = client_for(world.parent)
    url = reverse("learning:child_day", args=[world.amy.code, TOMORROW.isoformat()])
    page = client.get(url).content.decode()
    assert "Activity 1" in page
    # Friday's next school day is Monday.
    friday = reverse("learning:child_day", args=[world.amy.code, "2026-01-16"])
    assert reverse("learning:child_day", args=[world.amy.code, "2026-01-19"]) in client.get(friday).content.decode()
    printable = client.get(url + "?print=1").content.decode()
    assert "Activity 1" in printable
    assert "site-header" not in printable


@pytest.mark.parametrize(("persona", "status"), [("parent", 200), ("other_parent", 404), ("outsider_parent", 404)])
def test_child_day_ladder(world: World, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    url = reverse("learning:child_day", args=[world.amy.code, TODAY.isoformat()])
    assert client_for(getattr(world, persona)).get(url).status_code == status


def test_child_day_staff_and_anonymous(world: World, client_for, client) -> None:  # type: ignore[no-untyped-def]
    url = reverse("learning:child_day", args=[world.amy.code, TODAY.isoformat()])
    assert client.get(url).status_code == 302
    assert client_for(world.teacher).get(url).status_code == 403
    bad = f"/children/{world.amy.code}/learning/yesterday/"
    assert client_for(world.parent).get(bad).status_code == 404


def _more_children(world: World, n: int) -> None:
    for i in range(n):
        pupil = people_services.pupil_create(
            school_class=world.oak if i % 2 else world.ash,
            legal_first_name=f"Kid{i}",
            surname="Parker",
            date_of_birth=datetime.date(2020, 1, 1 + i),
        )
        people_services.carer_link(
            pupil=pupil,
            first_name="Pat",
            surname="Parker",
            email="pat.parker@example.com",
            relationship=PupilCarer.Relationship.MOTHER,
            is_primary=True,
        )


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


MIXED = ("maths", "science", "history", "wellbeing")


def _grow(plan, by, n: int) -> None:  # type: ignore[no-untyped-def]
    """Add n more activities, each with a library link, across top-level and foundation subjects."""
    staff = Staff.objects.get(user=by)
    link = services.resource_link_create(by=staff, title=f"Link {plan.pk}", url=f"https://example.org/{plan.pk}")
    for i in range(n):
        services.activity_add(
            plan=plan,
            by=staff,
            subject=subject(MIXED[i % len(MIXED)]),
            title=f"More {i}",
            minutes=1,
            resources=[link],
            confirm_over=True,
        )


def test_parent_home_query_count_is_fixed(world: World, client_for, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """The same for 3 activities or 30, and for 1 child or 4; bespoke days cost a fixed four more."""
    oak = planned_day(world.oak, world.teacher, minutes=(30, 30, 30), subjects=MIXED)
    client = client_for(world.other_parent)  # one child, Cara
    url = reverse("home")
    client.get(url)  # warm the session and the class day's fragment
    cached = _count(client, url)
    _grow(oak, world.teacher, 27)
    client.get(url)  # the plan changed: rendered afresh once, then cached again
    with django_assert_num_queries(cached):
        client.get(url)
    services.activity_add(
        plan=oak,
        by=world.staff(world.inclusion),
        subject=subject("art"),
        title="Own",
        minutes=5,
        pupil=world.cara,
        confirm_over=True,
    )
    # Cara's day is bespoke now: loaded and rendered every time, in four more queries.
    with django_assert_num_queries(cached + 4):
        page = client.get(url).content.decode()
    assert "Just for Cara" in page
    # Four children across two classes, one of them with bespoke changes.
    ash = planned_day(world.ash, world.teacher_ash, minutes=(20,) * 3, subjects=MIXED)
    _grow(ash, world.teacher_ash, 27)
    _more_children(world, 2)
    parent = client_for(world.parent)
    parent.get(url)
    with django_assert_num_queries(cached):
        response = parent.get(url)
    assert response.content.decode().count('class="card activity"') == 30 + 30 + 30 + 30
    services.activity_drop_for_pupil(activity=oak.activities.first(), pupil=world.amy, by=world.staff(world.teacher))
    with django_assert_num_queries(cached + 4):
        response = parent.get(url)
    assert response.content.decode().count('class="card activity"') == 29 + 30 + 30 + 30


def _amy_day(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get(reverse("home")).content.decode()
    start = page.index(">Amy</a></h3>")  # Amy's card, not the jump link to it
    return page[start : page.index("</li>", page.index('class="day-nav', start))]


def _titles(day: str, title: str) -> int:
    """How many activities of the day have this title (each heading once; its Listen button repeats it)."""
    return len(re.findall(rf"\d+\. {title}</h\d>", day))


def test_cached_class_day_follows_every_change(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    """Each service that changes a class's day shows on the parent's next page load."""
    teacher = world.staff(world.teacher)
    plan = planned_day(world.oak, world.teacher, minutes=(30, 20))
    client = client_for(world.parent)
    assert "Activity 2" in _amy_day(client)
    first, second = plan.activities.order_by("position")
    link = services.resource_link_create(by=teacher, title="Counting game", url="https://example.org/count")
    services.activity_update(
        activity=first, by=teacher, subject=subject("maths"), title="Renamed", minutes=30, resources=[link]
    )
    day = _amy_day(client)
    assert "Renamed" in day and "Counting game" in day
    services.activity_move(activity=second, by=teacher, step=-1)
    day = _amy_day(client)
    assert day.index("Activity 2") < day.index("Renamed")
    services.resource_delete(resource=link, by=teacher)
    assert "Counting game" not in _amy_day(client)
    services.activity_delete(activity=second, by=teacher)
    assert "Activity 2" not in _amy_day(client)
    services.activity_add(plan=plan, by=teacher, subject=subject("reading"), title="Added", minutes=10)
    assert "Added" in _amy_day(client)
    services.template_save(plan=plan, name="Standard", by=teacher)
    services.template_apply(template=plan.school_class.year_group.learning_templates.get(), plan=plan, by=teacher)
    assert _titles(_amy_day(client), "Added") == 2
    assert _titles(_amy_day(client), "Renamed") == 2
    services.activity_drop_for_pupil(activity=first, pupil=world.amy, by=teacher)
    assert _titles(_amy_day(client), "Renamed") == 1
    services.activity_restore_for_pupil(activity=first, pupil=world.amy, by=teacher)
    assert _titles(_amy_day(client), "Renamed") == 2
    services.plan_delete(plan=plan, by=teacher)
    assert "Nothing is planned for this day." in _amy_day(client)


def test_child_page_query_count_is_fixed(world: World, client_for, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher, minutes=(30, 30, 30), subjects=MIXED)
    client = client_for(world.parent)
    url = reverse("people:child_detail", args=[world.amy.code])
    client.get(url)
    baseline = _count(client, url)
    _grow(plan, world.teacher, 27)
    with django_assert_num_queries(baseline):
        client.get(url)


def test_an_inset_day_moves_the_parents_next_day_link_at_once(
    world: World, client_for, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher)
    client = client_for(world.parent)
    tomorrow = reverse("learning:child_day", args=[world.amy.code, TOMORROW.isoformat()])
    assert tomorrow in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        core_services.non_school_day_add(
            school=world.school, by=world.staff(world.head), date=TOMORROW, kind=NonSchoolDay.Kind.INSET
        )
    page = client.get(reverse("home")).content.decode()
    assert tomorrow not in page
    assert reverse("learning:child_day", args=[world.amy.code, "2026-01-16"]) in page


def test_the_cached_class_day_is_kept_once_per_language(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    """A Polish family's cached copy of the class day never reaches an English family, or the other way round."""
    from homelearning.people.models import Carer

    planned_day(world.oak, world.teacher, minutes=(45,))
    client = client_for(world.parent)
    Carer.objects.filter(user=world.parent).update(preferred_language="pl")
    polish = _amy_day(client)
    Carer.objects.filter(user=world.parent).update(preferred_language="en-gb")
    english = _amy_day(client)
    assert "Około 45 min" in polish and "About 45 min" not in polish
    assert "About 45 min" in english and "Około" not in english
