"""A parent who leaves out "When it happened" is told at the top of the page, not below the fold (issue 19)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from homelearning.safeguarding.models import Concern
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, sign_in_parent
from tests.personas import World


def test_a_worry_sent_without_when_it_happened_shows_the_problem_first_and_focuses_it(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    page.goto("/safeguarding/report")
    page.get_by_label("Amy", exact=False).first.check()
    page.get_by_label("What is worrying you").fill("Amy came home upset about a message.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box is not None and box["y"] < 667  # on the first screen of a phone
    assert_no_axe_violations(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_happened_at")).to_be_focused()
    assert not Concern.objects.exists()
    # The field is a full-size box like the others, not the browser's 21 px default.
    field = page.locator("#id_happened_at").bounding_box()
    assert field is not None and field["height"] >= 44 and field["width"] >= 300, field
