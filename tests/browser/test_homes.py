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


def test_a_parent_of_two_on_a_closure_day_reads_what_matters_first(page: Page, world: World) -> None:
    """Issue 19: on a phone, the closure is said first, the feedback and the call asked for are pointed out, and
    each child's plan is one tap away (the second child's started three screens down)."""
    from django.utils import timezone

    from homelearning.core.calendar import next_school_days
    from homelearning.journal import services as journal
    from tests.browser.helpers import term_around_today
    from tests.journal.builders import sent_work
    from tests.provision.builders import whole_school_closure

    term_around_today(world)
    today = timezone.localdate()
    whole_school_closure(world, first=today, last=next_school_days(world.school, today, 3)[-1])
    item = sent_work(world.amy, world.parent, photo=False)
    journal.feedback_give(item=item, by=world.staff(world.teacher), text="Lovely rocket!")
    journal.call_request(pupil=world.ben, by=world.parent, by_label="Pat Parker", reason="Reading book")

    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    notice = page.locator(".message-warning", has_text="is closed today")
    expect(notice).to_contain_text("Learning continues at home for Amy, Ben")
    box = notice.bounding_box()
    assert box is not None and box["y"] < MOBILE["height"], box  # on the first screen
    news = page.get_by_role("region", name="News from school")
    expect(news.get_by_role("link", name=re.compile(r"^Mr Teal gave Amy feedback on "))).to_be_visible()
    expect(news).to_contain_text("You asked for a call about Ben")
    jump = page.get_by_role("navigation", name="Jump to a child")
    jump.get_by_role("link", name="Amy").click()
    amy = page.locator(f"#child-{world.amy.code}")
    expect(amy).to_be_in_viewport()
    assert broken_words(page) == []
    assert_no_axe_violations(page)
    news.get_by_role("link", name=re.compile(r"^Mr Teal gave Amy feedback")).click()
    expect(page.get_by_text("Lovely rocket!")).to_be_visible()
