"""Each role's home page with the personas' real data, at desktop and phone sizes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    MOBILE,
    broken_words,
    horizontal_overflow,
    screenshot,
    sign_in_parent,
    sign_in_staff,
)
from tests.personas import World


def test_teacher_home_shows_their_class_and_its_pupils(page: Page, world: World) -> None:
    sign_in_staff(page, world.teacher)  # A class teacher has no authenticator step.

    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Hello, Tom")
    # The day comes first: work waiting, calls, live sessions and questions, each with its way in.
    today = main.locator("section", has=page.get_by_role("heading", name=re.compile(r"^Today, ")))
    expect(today.get_by_role("heading", level=3)).to_have_text(
        ["Work waiting for feedback", "Calls to make", "Live sessions today", "Questions from families"]
    )
    expect(today.get_by_role("link", name="Oak: nothing new")).to_be_visible()
    classes = main.locator("section", has=page.get_by_role("heading", name="Your class"))
    expect(classes.get_by_role("heading", level=3)).to_have_text("Oak (Year 1, 2 pupils)")
    classes.get_by_text("Pupils (2)").click()
    pupils = classes.get_by_role("listitem")
    expect(pupils).to_have_count(2)
    assert sorted(classes.get_by_role("listitem").get_by_role("link").all_inner_texts()) == [
        "Amy Parker",
        "Cara Quinn",
    ]
    expect(pupils.filter(has_text="Cara Quinn")).to_contain_text("Education, health and care plan")
    # A teacher sees their own class only, and no whole-school overview or leaders' links.
    expect(main).not_to_contain_text("Ben Parker")
    expect(main).not_to_contain_text("at a glance")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Classes", exact=True)).to_be_visible()
    for name in ["Staff", "Emails", "Policy", "Audit log"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "teacher-home.png")


def test_parent_home_fits_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)

    main = page.locator("main")
    expect(main.get_by_role("heading", name="Amy", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="Ben", exact=True)).to_be_visible()
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width, f"the page scrolls sideways at 375 px: {scroll_width}px of content"
    assert broken_words(page) == []
    assert_no_axe_violations(page)
    screenshot(page, "parent-home.png")


def test_staff_home_fits_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.head, mfa=True)

    expect(page.get_by_role("heading", name="Balfour Test Infant School at a glance")).to_be_visible()
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width, f"the page scrolls sideways at 375 px: {scroll_width}px of content"
    assert broken_words(page) == []
    assert_no_axe_violations(page)


def test_a_parent_remembers_this_phone_and_forgets_it(page: Page, world: World) -> None:
    """Issue 19: no new emailed code every day. The parent chooses to stay signed in, and can undo it."""
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    offer = page.get_by_role("region", name="Remember this phone?")
    expect(offer).to_contain_text("for 30 days")
    assert_no_axe_violations(page)
    offer.get_by_role("button", name="Remember this phone").click()
    expect(page.get_by_text("This phone stays signed in for 30 days.")).to_be_visible()
    expect(page.get_by_role("region", name="Remember this phone?")).to_have_count(0)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert cookie["expires"] > 0  # kept when the browser closes (a session cookie has -1)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Your phones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phones that stay signed in")
    expect(page.get_by_text("This phone")).to_be_visible()
    assert broken_words(page) == []
    assert_no_axe_violations(page)
    screenshot(page, "parent-phones.png")
    page.get_by_role("button", name=re.compile(r"^Forget ")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
