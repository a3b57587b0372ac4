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


def _rows_fit(page: Page) -> None:
    """Each stacked table's rows are cards inside the screen, each cell with its column's name."""
    page.wait_for_load_state()
    tables = page.locator("table.table-stack")
    assert tables.count() > 0
    labelled = 0
    for table in tables.all():
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1"), table.inner_text()[:80]
        cells = table.locator("td[data-label]")
        if cells.count() == 0:  # an empty table's one "None" row
            continue
        labelled += 1
        label = cells.first.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"') == cells.first.get_attribute("data-label"), label
    assert labelled > 0
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_dsl_dashboard_and_closures_stack_on_a_phone(page: Page, world: World) -> None:
    """Issue 19: on a phone the DSL dashboard and closures tables were cut off; each row becomes a card."""
    from tests.provision.builders import school_terms, whole_school_closure
    from tests.safeguarding.builders import raised_concern, seed_reference_data, vulnerable

    seed_reference_data()
    school_terms(world)
    whole_school_closure(world)
    raised_concern(world)
    vulnerable(world, world.cara)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto("/safeguarding/")
    _rows_fit(page)
    assert_no_axe_violations(page)
    page.context.clear_cookies()
    sign_in_staff(page, world.head, mfa=True)
    page.goto("/remote-education/closures/")
    _rows_fit(page)
    assert_no_axe_violations(page)
