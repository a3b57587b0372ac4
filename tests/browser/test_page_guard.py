"""The browser tests' own safety nets: the page's stylesheet is served, and third-party requests are caught."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from playwright.sync_api import Page, expect

from tests.browser.helpers import PageGuard


def test_stylesheet_is_served_and_applied(page: Page) -> None:
    # `homelearning` is not an installed app: only STATICFILES_DIRS lets the live server and collectstatic find it.
    assert finders.find("homelearning/site.css") is not None, (
        "staticfiles cannot find homelearning/site.css, so every page is unstyled: "
        'settings.py needs STATICFILES_DIRS = [BASE_DIR / "homelearning" / "static"].'
    )
    with page.expect_response(lambda r: r.url.endswith("/static/homelearning/site.css")) as stylesheet:
        page.goto("/accounts/login/")
    assert stylesheet.value.status == 200
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 79, 138)")


def test_requests_to_other_websites_are_blocked_and_reported(page: Page, page_guard: PageGuard) -> None:
    page.goto("/accounts/login/")
    outcome = page.evaluate(
        """() => fetch("https://cdn.example.org/tracker.js", {mode: "no-cors"}).then(() => "loaded", () => "blocked")"""
    )
    assert outcome == "blocked"
    # Our Content-Security-Policy refuses it in the browser, before the guard's network check would.
    assert page_guard.attempts == []
    assert page_guard.csp_violations  # Chromium reports it in one or two console lines
    assert all("https://cdn.example.org/tracker.js" in v for v in page_guard.csp_violations)
    page_guard.csp_violations.clear()  # This test made the request on purpose; any other test fails on one.


def test_without_our_policy_the_network_guard_still_blocks(page: Page, page_guard: PageGuard) -> None:
    page.set_content("<p>A page that is not ours, so has no Content-Security-Policy.</p>")
    outcome = page.evaluate(
        """() => fetch("https://cdn.example.org/tracker.js", {mode: "no-cors"}).then(() => "loaded", () => "blocked")"""
    )
    assert outcome == "blocked"
    assert page_guard.attempts == ["GET https://cdn.example.org/tracker.js"]
    page_guard.attempts.clear()


def test_a_missing_static_file_is_reported(page: Page, page_guard: PageGuard) -> None:
    page.goto("/accounts/login/")
    page.evaluate("""() => fetch("/static/homelearning/no-such.css").then(r => r.status)""")
    assert page_guard.broken_static == [f"404 {page.url.split('/accounts/')[0]}/static/homelearning/no-such.css"]
    page_guard.broken_static.clear()  # On purpose here; any other test fails on one.
