"""The teacher's plan editor (with htmx and its plain-form fallback) and a parent's day at 390 px."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.learning import services
from homelearning.learning.models import Plan, Subject
from homelearning.people.models import Staff
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    broken_words,
    horizontal_overflow,
    screenshot,
    sign_in_parent,
    sign_in_staff,
    term_around_today,
)
from tests.personas import World

PHONE = {"width": 375, "height": 667}


def _tidy_day_links(page: Page) -> None:
    """Each day-links bar: the earlier day at the left and the later at the right of one row, inside the page,
    and no word split across lines (issue 19: they wrapped untidily on a phone)."""
    page.wait_for_load_state()  # measured after the stylesheets apply, not while the page is still loading
    navs = page.locator("nav.day-nav")
    assert navs.count() > 0
    for nav in navs.all():
        links = nav.get_by_role("link").all()
        first, last = links[0].bounding_box(), links[-1].bounding_box()
        box = nav.bounding_box()
        assert first is not None and last is not None and box is not None
        assert abs(first["y"] - last["y"]) < 2, (first, last)  # one row
        assert abs(first["x"] - box["x"]) < 2 and abs(last["x"] + last["width"] - box["x"] - box["width"]) < 2
    assert broken_words(page) == []


def test_teacher_plans_a_day(page: Page, world: World) -> None:
    term_around_today(world)
    day = next_school_days(world.school, timezone.localdate(), 1)[0]
    staff = Staff.objects.get(user=world.teacher)
    services.resource_link_create(
        by=staff,
        title="White Rose Maths: Year 1",
        url="https://whiterosemaths.com/homelearning/year-1/",
        provider="White Rose Maths",
        subject=Subject.objects.get(code="maths"),
    )
    sign_in_staff(page, world.teacher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning", exact=True).click()
    page.get_by_role("link", name="Oak", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oak: learning plans")
    page.goto(f"/classes/{world.oak.code}/learning/{day.isoformat()}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oak:")

    def add(subject: str, title: str, minutes: int, instructions: str = "") -> None:
        form = page.locator("form", has=page.get_by_role("button", name="Add activity"))
        form.get_by_label("Subject").select_option(label=subject)
        form.get_by_label("Title").fill(title)
        form.get_by_label("Minutes (estimate)").fill(str(minutes))
        form.get_by_label("Instructions").fill(instructions)
        form.get_by_role("button", name="Add activity").click()
        expect(page.get_by_role("heading", name=title, exact=False)).to_be_visible()

    add("Maths", "Number bonds to 10", 45, "Use **ten** objects.\n- split them\n- write the sum")
    add("Reading", "Read a story aloud", 30)
    add("Wellbeing", "Stretch and breathe", 15)
    expect(page.locator("#entitlement")).to_contain_text("90 minutes")
    expect(page.locator("#entitlement")).to_contain_text("under the entitlement")
    # Reorder: Wellbeing up one place.
    page.get_by_role("button", name="Move up Stretch and breathe").click()
    titles = page.locator("#plan-editor ol.activities h3")
    expect(titles.nth(1)).to_have_text("2. Stretch and breathe")
    # Too many minutes: a clear message, nothing added.
    form = page.locator("form", has=page.get_by_role("button", name="Add activity"))
    form.get_by_label("Subject").select_option(label="Writing")
    form.get_by_label("Title").fill("A long one")
    form.get_by_label("Minutes (estimate)").fill("500")
    form.get_by_role("button", name="Add activity").click()
    expect(page.get_by_text("An activity takes at most 180 minutes.")).to_be_visible()
    expect(titles).to_have_count(3)
    assert Plan.objects.get(school_class=world.oak, date=day).activities.count() == 3
    assert_no_axe_violations(page)
    screenshot(page, "plan-editor.png")


def test_parent_sees_today_on_a_phone(page: Page, world: World) -> None:
    today = timezone.localdate()
    staff = Staff.objects.get(user=world.teacher)
    link = services.resource_link_create(
        by=staff,
        title="White Rose Maths: Year 1",
        url="https://whiterosemaths.com/homelearning/year-1/",
        provider="White Rose Maths",
        note="Watch the video first.",
    )
    # Today, whatever day the test runs on (the service only plans school days; this is the parent's view).
    plan = Plan.objects.create(school=world.school, school_class=world.oak, date=today, created_by=staff)
    for subject, title, minutes, instructions, resources in [
        ("maths", "Number bonds to 10", 45, "Use **ten** objects.\n- split them\n- write the sum", [link]),
        ("reading", "Read a story aloud", 30, "Ask: what happened first?", []),
        ("wellbeing", "Stretch and breathe", 15, "", []),
    ]:
        services.activity_add(
            plan=plan,
            by=staff,
            subject=Subject.objects.get(code=subject),
            title=title,
            minutes=minutes,
            instructions=instructions,
            resources=resources,
        )
    page.set_viewport_size(PHONE)
    sign_in_parent(page, world.parent)
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Amy", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="1. Number bonds to 10")).to_be_visible()
    expect(main).to_contain_text("about 1 h 30 min in all")
    expect(main.get_by_role("link", name="White Rose Maths: Year 1")).to_have_attribute(
        "rel", "noopener noreferrer external"
    )
    expect(main).not_to_contain_text("Amelia")
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width, f"the page scrolls sideways at 375 px: {scroll_width}px of content"
    _tidy_day_links(page)
    assert_no_axe_violations(page)
    screenshot(page, "parent-today.png")
    # The child's own day page has the same links, with the whole date.
    main.get_by_role("heading", name="Amy", exact=True).get_by_role("link").click()
    _tidy_day_links(page)
    page.goto(f"/children/{world.amy.code}/learning/{today.isoformat()}/")
    _tidy_day_links(page)
    assert horizontal_overflow(page)[0] <= PHONE["width"]
