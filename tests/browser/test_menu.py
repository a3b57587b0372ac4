"""The main menu on a phone: folded behind a button, every link one tap away, and pages that fit."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, horizontal_overflow, screenshot, sign_in_staff
from tests.personas import World


def test_a_headteacher_opens_the_menu_on_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.head, mfa=True)
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Audit log")).to_be_hidden()
    assert_no_axe_violations(page)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
    screenshot(page, "menu-open-phone.png")
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Audit log")).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    nav.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School calendar")
    scroll, width = horizontal_overflow(page)
    assert scroll <= width


def test_on_a_wide_screen_every_link_shows_without_a_button(page: Page, world: World) -> None:
    sign_in_staff(page, world.teacher)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="Learning")).to_be_visible()
    expect(nav.get_by_role("link", name="Questions")).to_be_visible()


def test_without_javascript_the_phone_menu_shows_every_link(browser, base_url: str, world: World) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport=MOBILE, base_url=base_url, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_staff(page, world.teacher)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
        expect(nav.get_by_role("link", name="Learning")).to_be_visible()
    finally:
        context.close()


def test_the_pupil_page_fits_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.teacher)
    page.goto(f"/pupils/{world.amy.code}/")
    expect(page.get_by_role("heading", name="Parents and carers")).to_be_visible()
    scroll, width = horizontal_overflow(page)
    assert scroll <= width
    assert_no_axe_violations(page)
