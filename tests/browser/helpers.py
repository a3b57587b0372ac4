"""Steps shared by the browser tests: signing in through the real pages, screenshots, layout checks, a term."""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, Response, Route, expect

from homelearning.core.models import OutboundEmail, Term
from tests import personas

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 667}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MFA_PATH = "/accounts/2fa/authenticate/"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass
class PageGuard:
    """Aborts and records requests to any non-localhost origin; records static files that failed to load."""

    attempts: list[str] = field(default_factory=list)
    broken_static: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") not in LOCAL_HOSTS:
            self.attempts.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def check_static(self, response: Response) -> None:
        if urlsplit(response.url).path.startswith("/static/") and response.status >= 400:
            self.broken_static.append(f"{response.status} {response.url}")

    def check_console(self, message: ConsoleMessage) -> None:
        """The Content-Security-Policy stops a third-party request (or an inline script) before the network
        sees it; Chromium reports that on the console."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def check(self) -> None:
        attempts, self.attempts = self.attempts, []
        broken, self.broken_static = self.broken_static, []
        violations, self.csp_violations = self.csp_violations, []
        if violations:
            pytest.fail("The page broke the Content-Security-Policy:\n  " + "\n  ".join(violations), pytrace=False)
        if attempts:
            pytest.fail("The page tried to reach another website:\n  " + "\n  ".join(attempts), pytrace=False)
        if broken:
            pytest.fail("A stylesheet or script failed to load:\n  " + "\n  ".join(broken), pytrace=False)


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def wait_for_path(page: Page, path: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def current_totp() -> str:
    """The authenticator code now, avoiding the last seconds of a 30 s step so it is still valid on arrival."""
    totp = pyotp.TOTP(personas.TOTP_SECRET)
    remaining = totp.interval - (time.time() % totp.interval)
    if remaining < 4:
        time.sleep(remaining + 0.2)
    return totp.now()


def submit_password(page: Page, email: str, password: str = personas.PASSWORD) -> None:
    """The staff half of the sign-in page."""
    page.goto("/accounts/login/")
    page.get_by_label("School email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def submit_totp(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def sign_in_staff(page: Page, user, *, mfa: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    """Email and password, then (for anyone with an authenticator: leaders, DSLs, the office) the code;
    ends on the home page."""
    if mfa is None:
        from allauth.mfa.models import Authenticator

        mfa = Authenticator.objects.filter(user=user).exists()
    submit_password(page, user.email)
    if mfa:
        wait_for_path(page, MFA_PATH)
        submit_totp(page, current_totp())
    wait_for_path(page, "/")


def request_login_code(page: Page, email: str) -> None:
    """From the sign-in page: 'Send me a sign-in code', then ask for one; ends on the confirm page."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Send me a sign-in code").click()
    wait_for_path(page, "/accounts/login/code/")
    page.locator("input[name=email]").fill(email)
    page.get_by_role("button", name="Request Code").click()
    wait_for_path(page, "/accounts/login/code/confirm/")


def login_code_from_outbox(email: str) -> str:
    """The code in the newest sign-in email queued for `email` (the worker has not sent, so not deleted, it)."""
    message = OutboundEmail.objects.filter(to=email, kind="account.login_code").order_by("-created_at", "-id").first()
    assert message is not None, f"no sign-in code email was queued for {email}"
    # The code stands alone on its line, whatever language the email is in.
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body_text, re.MULTILINE)
    assert found, message.body_text
    return found.group(1)


def sign_in_parent(page: Page, user) -> None:  # type: ignore[no-untyped-def]
    """The emailed-code journey; ends on the home page."""
    request_login_code(page, user.email)
    page.locator("input[name=code]").fill(login_code_from_outbox(user.email))
    page.get_by_role("button", name="Confirm").click()
    wait_for_path(page, "/")


def screenshot(page: Page, name: str) -> Path:
    """Full-page screenshot into docs/screenshots/ (overwritten each run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path


def pdf_page_screenshot(pdf: bytes, page_number: int, name: str) -> str:
    """Render one page of a PDF (1-based) into docs/screenshots/ as a PNG, as it prints; returns its text."""
    import pypdfium2

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[page_number - 1]
        page.render(scale=1.5).to_pil().save(SCREENSHOTS / name)
        text: str = page.get_textpage().get_text_range()
    finally:
        document.close()
    return text


def horizontal_overflow(page: Page) -> tuple[int, int]:
    """(document scroll width, viewport width): the page scrolls sideways if the first is larger."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


_BROKEN_WORDS_JS = """
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const words = /[A-Za-z]{2,}/g;
    let match;
    while ((match = words.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}
"""


def broken_words(page: Page) -> list[str]:
    """Plain words (letters only) that the page's main content splits across two lines, like "Decem / ber"."""
    return page.evaluate(_BROKEN_WORDS_JS)


def assert_not_signed_in(page: Page) -> None:
    """The home page sends the visitor back to signing in (allauth resumes a half-finished sign-in at its step)."""
    page.goto("/")
    page.wait_for_load_state()
    assert path_of(page) in {"/accounts/login/", MFA_PATH, "/accounts/login/code/confirm/"}, page.url
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def term_around_today(world: personas.World) -> Term:
    """A term from a month ago to two months ahead: the pages count school days, and today's date is the real one."""
    today = timezone.localdate()
    return Term.objects.create(
        school=world.school,
        name="This term",
        first_day=today - datetime.timedelta(days=30),
        last_day=today + datetime.timedelta(days=60),
    )
