from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from homelearning.learning.models import Activity, Plan, PlanTemplate
from tests.learning.conftest import SATURDAY, TODAY, TOMORROW, activities, planned_day, subject
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def day_url(world: World, day: datetime.date = TODAY, school_class=None) -> str:  # type: ignore[no-untyped-def]
    return reverse("learning:plan_day", args=[(school_class or world.oak).code, day.isoformat()])


def activity_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "subject": subject("maths").pk,
        "title": "Number bonds to 10",
        "minutes": 45,
        "instructions": "Use **ten** objects.\n- Split them\n- Write the sum",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("ta", 200),
        ("head", 200),
        ("senior", 200),
        ("teacher_ash", 404),
        ("dsl", 404),
        ("office", 403),
        ("inclusion", 403),
        ("parent", 403),
        ("outsider_head", 404),
    ],
)
def test_editor_ladder(world: World, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for(getattr(world, persona)).get(day_url(world)).status_code == status


def test_editor_anonymous(world: World, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(day_url(world)).status_code == 302


def test_bad_date_is_404(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("learning:plan_day", args=[world.oak.code, "2026-13-45"])
    assert client_for(world.teacher).get(url).status_code == 404


def test_teacher_adds_an_activity(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(day_url(world), activity_data())
    assert response.status_code == 302
    plan = Plan.objects.get(school_class=world.oak, date=TODAY)
    (activity,) = activities(plan)
    assert (activity.title, activity.minutes, activity.subject.code) == ("Number bonds to 10", 45, "maths")
    page = client_for(world.teacher).get(day_url(world)).content.decode()
    assert "Planned: <strong>45 min</strong>" in page
    assert "under the entitlement" in page
    assert "<strong>ten</strong>" in page
    assert "<li>Split them</li>" in page


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "at least 1 minute"),
        (-5, "at least 1 minute"),
        (181, "at most 180"),
        (9999, "at most 180"),
        ("ten", "whole"),
    ],
)
def test_bad_minutes(world: World, client_for, minutes: object, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(day_url(world), activity_data(minutes=minutes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()
    assert not Plan.objects.exists()


def test_missing_title_and_unknown_subject(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(day_url(world), activity_data(title="", subject=99999))
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_script_in_instructions_never_reaches_the_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client_for(world.teacher).post(day_url(world), activity_data(instructions=evil, title="<b>Bold</b>"))
    for url in (day_url(world), reverse("learning:plan_preview", args=[world.oak.code, TODAY.isoformat()])):
        page = client_for(world.teacher).get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;" in page
        assert "<b>Bold</b>" not in page
    page = client_for(world.parent).get(reverse("home")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_over_the_entitlement_needs_confirmation(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(90, 60))
    client = client_for(world.teacher)
    response = client.post(day_url(world), activity_data(minutes=60))
    assert response.status_code == 400
    page = response.content.decode()
    assert "more than the 180 minutes" in page
    assert 'name="confirm_over" value="on"' in page
    assert "Save anyway" in page
    assert Activity.objects.count() == 2
    response = client.post(day_url(world), activity_data(minutes=60, confirm_over="on"))
    assert response.status_code == 302
    assert Activity.objects.count() == 3
    assert "over the entitlement" in client.get(day_url(world)).content.decode()


def test_exactly_the_entitlement_needs_no_confirmation(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(90, 60))
    response = client_for(world.teacher).post(day_url(world), activity_data(minutes=30))
    assert response.status_code == 302
    assert "meets the entitlement" in client_for(world.teacher).get(day_url(world)).content.decode()


def test_another_class_plan_cannot_be_edited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher, minutes=(30,))
    activity = activities(plan)[0]
    client = client_for(world.teacher_ash)
    assert client.post(day_url(world), activity_data()).status_code == 404
    assert client.post(reverse("learning:activity_delete", args=[activity.code])).status_code == 404
    edit = reverse("learning:activity_edit", args=[activity.code])
    assert client.post(edit, activity_data(title="Hacked")).status_code == 404
    assert client_for(world.outsider_teacher).post(edit, activity_data(title="Hacked")).status_code == 404
    assert [a.title for a in activities(plan)] == ["Activity 1"]


def test_not_a_school_day(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(day_url(world, SATURDAY), activity_data())
    assert response.status_code == 400
    assert "not a school day" in response.content.decode()
    assert not Plan.objects.exists()


def test_one_plan_per_class_per_day(world: World) -> None:
    Plan.objects.create(school=world.school, school_class=world.oak, date=TODAY)
    with pytest.raises(IntegrityError):
        Plan.objects.create(school=world.school, school_class=world.oak, date=TODAY)


def test_reorder_without_javascript(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    first, _second, third = activities(plan)
    client = client_for(world.ta)
    response = client.post(reverse("learning:activity_move", args=[third.code]), {"direction": "up"})
    assert response.status_code == 302
    assert [a.title for a in activities(plan)] == ["Activity 1", "Activity 3", "Activity 2"]
    client.post(reverse("learning:activity_move", args=[first.code]), {"direction": "down"})
    assert [a.title for a in activities(plan)] == ["Activity 3", "Activity 1", "Activity 2"]
    client.post(reverse("learning:activity_move", args=[third.code]), {"direction": "up"})  # already first
    assert [a.title for a in activities(plan)] == ["Activity 3", "Activity 1", "Activity 2"]


def test_htmx_add_swaps_the_editor(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.teacher).post(day_url(world), activity_data(minutes=0), HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'id="plan-editor"' in response.content.decode()
    assert not Activity.objects.exists()


def test_edit_and_delete(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher, minutes=(30, 30))
    first = activities(plan)[0]
    client = client_for(world.teacher)
    edit = reverse("learning:activity_edit", args=[first.code])
    assert client.get(edit).status_code == 200
    assert client.post(edit, activity_data(minutes=500)).status_code == 400
    assert client.post(edit, activity_data(title="Changed", minutes=20)).status_code == 302
    first.refresh_from_db()
    assert (first.title, first.minutes) == ("Changed", 20)
    response = client.post(edit, activity_data(minutes=170))
    assert response.status_code == 400
    assert "Confirm" in response.content.decode()
    first.refresh_from_db()
    assert first.minutes == 20
    assert client.post(reverse("learning:activity_delete", args=[first.code])).status_code == 302
    assert [a.title for a in activities(plan)] == ["Activity 2"]


def test_copy_a_day_forward(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    plan = planned_day(world.oak, world.teacher)
    url = reverse("learning:plan_copy", args=[world.oak.code, TODAY.isoformat()])
    client = client_for(world.teacher)
    assert client.post(url, {"to_date": TOMORROW.isoformat()}).status_code == 302
    copy = Plan.objects.get(school_class=world.oak, date=TOMORROW)
    assert [a.minutes for a in activities(copy)] == [60, 60, 60]
    # Again: the day is already planned, so nothing changes; a Saturday is not a school day.
    client.post(url, {"to_date": TOMORROW.isoformat()})
    client.post(url, {"to_date": SATURDAY.isoformat()})
    client.post(url, {"to_date": "not a date"})
    assert Plan.objects.count() == 2
    assert Activity.objects.count() == 6
    assert plan.pk != copy.pk


def test_copy_a_week_forward(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    monday = datetime.date(2026, 1, 12)
    for n in range(5):
        planned_day(world.oak, world.teacher, day=monday + datetime.timedelta(days=n), minutes=(30 + n,))
    url = reverse("learning:week_copy", args=[world.oak.code, TODAY.isoformat()])
    assert client_for(world.teacher).post(url).status_code == 302
    next_week = {p.date: activities(p)[0].minutes for p in Plan.objects.filter(date__gte=datetime.date(2026, 1, 19))}
    assert next_week == {datetime.date(2026, 1, 19 + n): 30 + n for n in range(5)}


def test_templates_per_year_group(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(40, 50))
    client = client_for(world.teacher)
    save = reverse("learning:template_save", args=[world.oak.code, TODAY.isoformat()])
    assert client.post(save, {"name": "Maths day"}).status_code == 302
    template = PlanTemplate.objects.get()
    assert template.year_group == world.oak.year_group
    client.post(save, {"name": "Maths day"})  # a duplicate name is refused
    assert PlanTemplate.objects.count() == 1
    apply = reverse("learning:template_apply", args=[world.oak.code, TOMORROW.isoformat()])
    assert client.post(apply, {"template": template.code}).status_code == 302
    plan = Plan.objects.get(school_class=world.oak, date=TOMORROW)
    assert [a.minutes for a in activities(plan)] == [40, 50]
    # Ash is Year 2: Oak's Year 1 template does not apply there.
    other = reverse("learning:template_apply", args=[world.ash.code, TOMORROW.isoformat()])
    client_for(world.teacher_ash).post(other, {"template": template.code})
    assert not Activity.objects.filter(plan__school_class=world.ash).exists()


def test_preview_shows_the_parent_view(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher)
    url = reverse("learning:plan_preview", args=[world.oak.code, TODAY.isoformat()])
    page = client_for(world.teacher).get(url).content.decode()
    assert "Your child\u2019s learning" in page
    assert "Activity 1" in page
    assert client_for(world.teacher_ash).get(url).status_code == 404


def test_week_page_shows_under_and_over(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_day(world.oak, world.teacher, minutes=(60,))
    planned_day(world.oak, world.teacher, day=TOMORROW, minutes=(120, 120))
    page = client_for(world.teacher).get(reverse("learning:class_week", args=[world.oak.code])).content.decode()
    assert "120 minutes under" in page
    assert "60 minutes over" in page
    assert "Not planned" in page
