"""The browser fixtures of tests/browser, for the provision pages.

Playwright's sync API allows one running instance per thread, and tests/browser holds its own for
the whole session. So these tests start theirs per module and run just before tests/browser (after
pytest-django has put transactional tests last): their instance has stopped before tests/browser
starts its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser.conftest import (  # noqa: F401 - fixtures and the hook that turns a blocked request into a failure
    CHROMIUM,
    CHROMIUM_ARGS,
    base_url,
    page,
    page_guard,
    pytest_runtest_call,
    world,
)

_HERE = Path(__file__).resolve().parent
_BROWSER = _HERE.parent.parent / "browser"


def _is_mine(item: pytest.Item) -> bool:
    return _HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mine = [item for item in items if _is_mine(item)]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if not _is_mine(item)]
    first_browser = next(
        (i for i, item in enumerate(others) if _BROWSER in Path(str(item.path)).resolve().parents), None
    )
    if first_browser is not None:
        items[:] = others[:first_browser] + mine + others[first_browser:]


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver", pytrace=False)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        yield p
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
