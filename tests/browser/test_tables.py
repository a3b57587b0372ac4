"""Wide tables on a phone scroll sideways, and a keyboard user can reach and scroll them (issue 19)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, sign_in_staff
from tests.personas import World


def test_the_audit_log_on_a_phone_scrolls_by_keyboard(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.head)
    page.goto("/audit/")
    region = page.locator(".table-scroll").first
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    assert_no_axe_violations(page)
