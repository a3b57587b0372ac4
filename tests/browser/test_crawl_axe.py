"""Every role's pages in a real browser (issue 19): from the home page, each link shown is followed and each
page must open (below 400) and pass axe (WCAG 2.2 A and AA). One page of each URL pattern is checked, so the
crawl reaches every kind of page a role sees in a few seconds (tests/test_link_crawl.py follows more links
of each pattern, without a browser)."""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import sign_in_parent, sign_in_staff
from tests.personas import World
from tests.provision.builders import active_case, school_terms

SKIP = ("/accounts/logout", "/static/", "/dev/", "/accounts/2fa/", "/accounts/reauthenticate", "/favicon.ico")
MAX_PAGES = 120
LINKS_JS = "() => [...document.querySelectorAll('a[href^=\"/\"]')].map(a => a.getAttribute('href'))"


def crawl_with_axe(page: Page) -> tuple[list[str], dict[str, str]]:
    """(pages checked, problems by URL) from the page's current home."""
    checked: list[str] = []
    problems: dict[str, str] = {}
    patterns: set[str] = set()
    queue = deque(["/"])
    seen: set[str] = set()
    while queue and len(checked) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            route = resolve(urlsplit(url).path).route
        except Resolver404:
            problems[url] = "no such page (404)"
            continue
        if route in patterns:
            continue
        patterns.add(route)
        head = page.request.get(url, max_redirects=0)
        if head.status >= 400:
            problems[url] = f"answers {head.status}"
            continue
        if head.status >= 300 or "text/html" not in head.headers.get("content-type", ""):
            continue  # a redirect (followed when linked from its target) or a download: not a page
        page.goto(url)
        checked.append(url)
        violations = axe_violations(page)
        if violations:
            problems[url] = describe(violations)
        for href in page.evaluate(LINKS_JS):
            href = href.split("#", 1)[0]
            if href and not href.startswith(SKIP) and href not in seen:
                queue.append(href)
    return checked, problems


@pytest.fixture
def busy(world: World) -> World:
    school_terms(world)
    active_case(world)  # Amy: a case's pages too
    return world


@pytest.mark.parametrize("role", ["head", "senior", "dsl", "inclusion", "office", "teacher", "ta", "parent"])
def test_every_page_a_role_reaches_passes_axe(page: Page, busy: World, role: str) -> None:
    user = getattr(busy, role)
    if role == "parent":
        sign_in_parent(page, user)
    else:
        sign_in_staff(page, user)
    checked, problems = crawl_with_axe(page)
    assert len(checked) > 5, checked
    assert problems == {}, "\n".join(f"{url}: {what}" for url, what in problems.items())
