"""Read aloud (issue 16): "Listen" speaks an activity, or the whole day, with the browser's own speech synthesis,
in the page's language. Nothing leaves the device (the page guard fails the test on any other request). The
device's speech is replaced by a recorder, so the test reads exactly what would be spoken."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from homelearning.learning import services
from homelearning.learning.models import Plan, Subject
from homelearning.people.models import Staff
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, sign_in_parent
from tests.personas import World

LISTEN_BONDS = re.compile(r"^Listen\W+Number bonds to 10$")
RECORDER = """
window.__spoken = [];
window.__cancelled = 0;
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); },
  cancel() { window.__cancelled += 1; },
  getVoices() { return []; },
}});
"""


def _plan_today(world: World) -> None:
    staff = Staff.objects.get(user=world.teacher)
    plan = Plan.objects.create(school=world.school, school_class=world.oak, date=timezone.localdate(), created_by=staff)
    for subject, title, minutes, instructions in [
        ("maths", "Number bonds to 10", 45, "Use **ten** objects.\n- split them\n- write the sum"),
        ("reading", "Read a story aloud", 30, "Ask: what happened first?"),
    ]:
        services.activity_add(
            plan=plan,
            by=staff,
            subject=Subject.objects.get(code=subject),
            title=title,
            minutes=minutes,
            instructions=instructions,
        )


def test_listen_reads_an_activity_and_the_whole_day(page: Page, world: World) -> None:
    _plan_today(world)
    page.add_init_script(RECORDER)
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    listen = page.get_by_role("button", name=LISTEN_BONDS)
    expect(listen).to_be_visible()
    assert_no_axe_violations(page)
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "en-GB"
    text = spoken[0]["text"]
    assert text.startswith("1. Number bonds to 10. About 45 min") and "Use ten objects." in text, text
    assert "split them" in text and "**" not in text and "Read a story" not in text
    # While it reads, the button stops it.
    stop = page.get_by_role("button", name="Stop reading")
    expect(stop).to_be_visible()
    assert_no_axe_violations(page)
    stop.click()
    expect(page.get_by_role("button", name=LISTEN_BONDS)).to_be_visible()
    assert page.evaluate("window.__cancelled") >= 1 and len(page.evaluate("window.__spoken")) == 1
    # The whole day: every activity, in order.
    page.get_by_role("button", name="Listen to the whole day").click()
    whole = page.evaluate("window.__spoken")[-1]["text"]
    assert whole.index("Number bonds to 10") < whole.index("2. Read a story aloud") and "what happened first" in whole


def test_without_javascript_the_page_works_and_offers_no_dead_button(
    browser: Browser, base_url: str, world: World
) -> None:
    _plan_today(world)
    context = browser.new_context(base_url=base_url, viewport=MOBILE, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_parent(page, world.parent)
        expect(page.get_by_role("heading", name="1. Number bonds to 10")).to_be_visible()
        expect(page.get_by_role("button", name=LISTEN_BONDS)).to_have_count(0)
        expect(page.get_by_role("button", name="Listen to the whole day")).to_have_count(0)
    finally:
        context.close()
