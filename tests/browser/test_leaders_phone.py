"""Leaders on a phone, as first-time users (issue 19), with axe on every page: the headteacher reads the
register on the page; the DSL's home says a concern is waiting and its link names the child."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import next_school_days
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, broken_words, horizontal_overflow, sign_in_staff, term_around_today
from tests.personas import World
from tests.provision.builders import whole_school_closure
from tests.safeguarding.builders import raised_concern


def _fits(page: Page) -> None:
    page.wait_for_load_state()
    scroll, width = horizontal_overflow(page)
    assert scroll <= width, page.url
    assert broken_words(page) == [], page.url
    assert_no_axe_violations(page)


def test_the_headteacher_reads_the_register_on_a_phone(page: Page, world: World) -> None:
    term_around_today(world)
    today = timezone.localdate()
    first, last = next_school_days(world.school, today, 2)
    whole_school_closure(world, first=first, last=last)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.head)
    page.goto("/remote-education/register.csv")
    page.get_by_label("From").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("To").fill(last.isoformat())
    page.get_by_role("button", name="Show here").click()
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("12 sessions")  # 3 pupils, 2 days, AM and PM
    expect(table.get_by_role("row").filter(has_text="Amelia Parker").first).to_contain_text("Y4")
    region = page.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"  # a wide table scrolls, by keyboard too
    _fits(page)


def test_the_dsl_sees_the_waiting_concern_from_home(page: Page, world: World) -> None:
    raised_concern(world)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.dsl)
    waiting = page.get_by_text("1 safeguarding concern not yet acknowledged.")
    expect(waiting).to_be_visible()
    assert "Amy" not in page.locator(".message-error").inner_text()  # a number on the home page, no child named
    _fits(page)
    page.get_by_role("link", name="Open the safeguarding dashboard").click()
    link = page.get_by_role("link", name="Open the concern about Amy Parker")
    expect(link).to_be_visible()
    _fits(page)
    link.click()
    expect(page.get_by_text("Amy said there was no food at home all weekend.")).to_be_visible()
    _fits(page)
