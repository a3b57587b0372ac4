"""Today's plan with no signal (issue 16): the parent's pages install a service worker from our own origin that
keeps the plans they loaded (today's, and the next day's), and shows them offline with the time they were
saved. Signing out clears it all; staff pages are never kept."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.learning import services
from homelearning.learning.models import Plan, Subject
from homelearning.people.models import Staff
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, sign_in_parent, sign_in_staff, term_around_today
from tests.personas import World

KEPT_JS = """async () => {
  const cache = await caches.open("homelearning-plans-v1");
  return (await cache.keys()).map((r) => new URL(r.url).pathname);
}"""


def _plan(world: World, day: datetime.date, title: str) -> None:
    staff = Staff.objects.get(user=world.teacher)
    plan = Plan.objects.create(school=world.school, school_class=world.oak, date=day, created_by=staff)
    services.activity_add(plan=plan, by=staff, subject=Subject.objects.get(code="maths"), title=title, minutes=30)


def _kept(page: Page, *paths: str) -> list[str]:
    """Wait (up to 15 s) until the service worker has kept each of `paths`; the pages it keeps."""
    kept: list[str] = []
    for _ in range(150):
        kept = list(page.evaluate(KEPT_JS))
        if all(p in kept for p in paths):
            return kept
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker kept {kept}, not all of {paths}")


def _settled(page: Page) -> list[str]:
    """Wait (up to 15 s) until what the service worker keeps has not changed for a second."""
    last, steady = None, 0
    for _ in range(150):
        kept = sorted(page.evaluate(KEPT_JS))
        steady = steady + 1 if kept == last else 0
        if steady >= 10:
            return kept
        last = kept
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker was still keeping pages: {last}")


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    """A phone-sized page with its service worker free to answer requests. (The shared page fixture routes every
    request through Playwright to refuse third-party ones, which would take the network's place before the
    worker's; here the check is the worker's own: it fetches nothing but this origin.)"""
    context = browser.new_context(base_url=base_url, viewport=MOBILE, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    others: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: others.append(r.url) if not r.url.startswith(base_url) else None)
    yield page
    context.close()
    assert others == [], others


def test_the_plan_shows_with_the_network_off(phone: Page, world: World) -> None:
    page = phone
    term_around_today(world)
    today = timezone.localdate()
    tomorrow = next_school_days(world.school, today + datetime.timedelta(days=1), 1)[0]
    _plan(world, today, "Count the stairs")
    _plan(world, tomorrow, "Shapes in the kitchen")
    sign_in_parent(page, world.parent)
    expect(page.get_by_role("heading", name="1. Count the stairs")).to_be_visible()
    tomorrow_path = f"/children/{world.amy.code}/learning/{tomorrow.isoformat()}/"
    _kept(page, "/", tomorrow_path)
    saved = timezone.localtime().strftime("%H:%M")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="1. Count the stairs")).to_be_visible()
    note = page.locator("#offline-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("No signal: this is the page as saved on this phone at")
    assert saved[:2] in note.inner_text()
    assert_no_axe_violations(page)
    page.goto(tomorrow_path)
    expect(page.get_by_role("heading", name="1. Shapes in the kitchen")).to_be_visible()
    # A page never loaded says so, rather than the browser's own error.
    page.goto(f"/children/{world.amy.code}/learning/{(tomorrow + datetime.timedelta(days=7)).isoformat()}/")
    expect(page.get_by_text("You are offline, and this page was not saved on this phone.")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_have_attribute("href", "/")

    # Back online: the page is fresh again and the note goes.
    page.context.set_offline(False)
    page.goto("/")
    expect(page.locator("#offline-note")).to_be_hidden()


def test_signing_out_clears_what_was_kept(page: Page, world: World) -> None:
    term_around_today(world)
    _plan(world, timezone.localdate(), "Count the stairs")
    sign_in_parent(page, world.parent)
    _kept(page, "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


def test_staff_pages_are_never_kept(page: Page, world: World) -> None:
    term_around_today(world)
    # The same browser: a parent's visit installed the worker, then a teacher signs in on it.
    sign_in_parent(page, world.parent)
    _kept(page, "/")
    # The parent's page also asks the worker to keep the next school day's pages: let those land before
    # emptying the cache, or one stored late is taken for a staff page kept (it once was, on PostgreSQL).
    _settled(page)
    page.evaluate("async () => { for (const n of await caches.keys()) await caches.delete(n); }")
    page.context.clear_cookies()
    sign_in_staff(page, world.teacher)
    page.goto(f"/pupils/{world.amy.code}/")
    page.goto("/")
    page.wait_for_timeout(500)
    assert page.evaluate(KEPT_JS) == []
    manifest = page.request.get("/manifest.webmanifest")
    assert (
        manifest.ok
        and manifest.json()["start_url"] == "/"
        and manifest.headers["content-type"].startswith("application/manifest+json")
    )
