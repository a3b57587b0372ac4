"""Every link a role is shown opens for that role (issue 19): a crawl of each persona's pages.

From the home page, every internal link on every page reached is followed (GET only, never a form),
for each role in turn, and each must answer below 400. Links of the same URL pattern are followed
a few times, not every time, so the crawl stays quick while still reaching every kind of page.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.personas import World
from tests.provision.builders import active_case, whole_school_closure

HREF = re.compile(r'href="(/[^"#]*)"')
# Signing out ends the crawl; static files and the demo outbox are not pages of the app.
SKIP = ("/accounts/logout", "/static/", "/dev/", "/accounts/2fa/", "/accounts/reauthenticate")
PER_PATTERN = 3
MAX_PAGES = 400


def crawl(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    seen: dict[str, int] = {}
    per_pattern: Counter[str] = Counter()
    queue = deque(["/"])
    found_on: dict[str, str] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            seen[url] = 404
            continue
        pattern = match.route
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code >= 400:
            seen[f"{url} (linked from {found_on.get(url, '?')})"] = response.status_code
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href.startswith(SKIP) or href in seen:
                continue
            found_on.setdefault(href, url)
            queue.append(href)
    return seen


@pytest.fixture
def busy(world: World) -> World:
    from tests.provision.builders import school_terms

    school_terms(world)
    whole_school_closure(world)
    active_case(world)  # Amy: a case's pages too
    return world


ROLES = ["head", "senior", "dsl", "inclusion", "office", "teacher", "ta", "parent"]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_opens_for_them(busy: World, client_for, role: str) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    from tests.provision.builders import MON

    with time_machine.travel(f"{MON.isoformat()} 10:00 +0000", tick=False):
        results = crawl(client_for(getattr(busy, role)))
    broken = {url: status for url, status in results.items() if status >= 400}
    assert len(results) > 5
    assert broken == {}
