"""Browser tests: Debian's chromium driven by Playwright's sync API against pytest-django's live server.

* One chromium per test session; a fresh context and page per test.
* Every page blocks requests to any origin other than the live server's host (the product promises
  no third-party requests) and the test FAILS if one was attempted.
* The database is real (transactional): the live server runs in another thread and must see the
  rows the test writes, and the test must see the rows the server writes (the outbox).
* Each test still starts with the rows the data migrations seed, which the previous test's flush
  removed (`_reference_data`).
* Each test runs on the same school day (`SCHOOL_DAY`, a Wednesday in term), whatever the real date:
  the clock travels there and ticks on, so the live server, the test and the emails agree and the
  screenshots show the same dates every run (issue 19).
"""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.helpers import DESKTOP, PageGuard
from tests.personas import World, build_world
from tests.reference_data import restore_reference_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

_HERE = Path(__file__).resolve().parent
_GUARD_KEY = pytest.StashKey["PageGuard"]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` skips them all)."""
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Turn a third-party request or a broken static file into a failure of the test itself, not a teardown error."""
    result = yield
    guard = item.stash.get(_GUARD_KEY, None)
    if guard is not None:
        guard.check()
    return result


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver", pytrace=False)
    # The sync API runs an asyncio loop in this thread; Django's ORM refuses to run while one exists.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        yield p
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


# Wednesday 13 January 2027, 09:30 at the school: a school day in a spring term, no bank holiday near.
SCHOOL_DAY = datetime.datetime(2027, 1, 13, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _school_day() -> Iterator[None]:
    """Travel to SCHOOL_DAY before anything else is made; time passes from there (polling, timeouts)."""
    with time_machine.travel(SCHOOL_DAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _reference_data(_school_day: None, transactional_db: None) -> None:
    """Every test here starts with the rows the data migrations seed, which the previous test's flush removed.

    (Not Django's `serialized_rollback`: once Playwright's event loop runs in this thread, Django hands the
    tests a new database connection, which lacks the snapshot that rollback restores from.)
    """
    restore_reference_data()


@pytest.fixture
def world(transactional_db: None) -> World:
    """The named people of tests/personas.py, committed so that the live server's thread sees them."""
    return build_world()


class _InFlight:
    """Counts the live server's requests from accept to close, so that a test ends only when the server is idle.

    The server's threads share the test's database connection (an in-memory SQLite database has only one), so a
    request still running when the test's flush starts writes into the flush's transaction: a background fetch
    after the last assertion (a service worker keeping tomorrow's plan) once failed the flush's foreign key check.
    """

    def __init__(self, httpd: Any) -> None:
        self.count = 0
        self.idle = threading.Condition()
        process_request, process_request_thread = httpd.process_request, httpd.process_request_thread

        def counted_process_request(request: Any, client_address: Any) -> None:
            with self.idle:
                self.count += 1
            try:
                process_request(request, client_address)
            except BaseException:
                self._done()
                raise

        def counted_process_request_thread(request: Any, client_address: Any) -> None:
            try:
                process_request_thread(request, client_address)
            finally:
                self._done()

        httpd.process_request = counted_process_request
        httpd.process_request_thread = counted_process_request_thread

    def _done(self) -> None:
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait(self, timeout: float = 30.0) -> None:
        with self.idle:
            if not self.idle.wait_for(lambda: self.count == 0, timeout=timeout):
                pytest.fail(f"the live server still had {self.count} request(s) running {timeout:.0f} s after the test")


def _in_flight(live_server: Any) -> _InFlight:
    httpd = live_server.thread.httpd
    counter = getattr(httpd, "_homelearning_in_flight", None)
    if counter is None:
        counter = httpd._homelearning_in_flight = _InFlight(httpd)
    return counter


@pytest.fixture
def base_url(live_server, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    host = urlsplit(live_server.url).hostname
    if host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    in_flight = _in_flight(live_server)
    yield str(live_server.url)
    # The pages are closed by now (they use this fixture); the database is flushed after this returns.
    in_flight.wait()


@pytest.fixture
def page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    cache.clear()  # Rate limits and TOTP replay protection: the live server shares this process's cache.
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    guard = PageGuard()
    request.node.stash[_GUARD_KEY] = guard
    context.route("**/*", guard.handle)
    page = context.new_page()
    page.on("response", guard.check_static)
    page.on("console", guard.check_console)
    yield page
    context.close()
    if (
        guard.attempts or guard.broken_static or guard.csp_violations
    ):  # Made after the test body (e.g. while closing): still a broken promise.
        guard.check()


@pytest.fixture
def page_guard(page: Page, request: pytest.FixtureRequest) -> PageGuard:
    return request.node.stash[_GUARD_KEY]
