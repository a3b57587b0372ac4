"""Signing in through the real pages: staff with password and authenticator code, parents with an emailed code."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import Page, expect

from homelearning.core.models import OutboundEmail
from tests import personas
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    MFA_PATH,
    assert_not_signed_in,
    current_totp,
    login_code_from_outbox,
    path_of,
    request_login_code,
    screenshot,
    sign_in_parent,
    submit_password,
    submit_totp,
    wait_for_path,
)
from tests.personas import World


def test_login_page_offers_both_ways_in(page: Page, world: World) -> None:
    page.goto("/")
    wait_for_path(page, "/accounts/login/")
    expect(page).to_have_title(re.compile("Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Home Learning")
    expect(page.get_by_role("link", name="Send me a sign-in code")).to_be_visible()
    expect(page.get_by_label("School email address")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "login.png")


def test_headteacher_signs_in_with_password_then_authenticator_code(page: Page, world: World) -> None:
    submit_password(page, world.head.email)
    wait_for_path(page, MFA_PATH)
    assert_no_axe_violations(page)  # The MFA step page.

    submit_totp(page, current_totp())
    wait_for_path(page, "/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Hello, Helen")
    overview = main.locator("section", has=page.get_by_role("heading", name="Balfour Test Infant School at a glance"))
    expect(overview).to_be_visible()
    # Real figures from the personas: Amy, Ben and Cara on roll; Oak and Ash; Pat and Quentin.
    expect(overview.locator(".card", has_text="pupils on roll").locator(".stat")).to_have_text("3")
    expect(overview.locator(".card", has_text="classes").locator(".stat")).to_have_text("2")
    expect(overview.locator(".card", has_text="parents and carers").locator(".stat")).to_have_text("2")
    rows = overview.locator("table tbody tr")
    expect(rows).to_have_count(2)
    oak = rows.filter(has=page.get_by_role("link", name="Oak", exact=True))
    ash = rows.filter(has=page.get_by_role("link", name="Ash", exact=True))
    expect(oak.locator("td").nth(1)).to_have_text("Year 1")
    expect(oak.locator("td").nth(2)).to_contain_text("Mr Teal")
    expect(oak.locator("td").nth(3)).to_have_text("2")
    expect(ash.locator("td").nth(1)).to_have_text("Year 2")
    expect(ash.locator("td").nth(3)).to_have_text("1")
    # The other school's class never shows.
    expect(main).not_to_contain_text("Willow")
    # Leaders get the whole-school links.
    nav = page.get_by_role("navigation", name="Main")
    for name in ["Classes", "Staff", "Emails", "Policy", "Audit log"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "staff-home.png")


def test_wrong_authenticator_code_is_refused(page: Page, world: World) -> None:
    submit_password(page, world.head.email)
    wait_for_path(page, MFA_PATH)
    right = current_totp()
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    assert not pyotp.TOTP(personas.TOTP_SECRET).verify(wrong, valid_window=1)
    submit_totp(page, wrong)

    assert path_of(page) == MFA_PATH
    expect(page.locator("main")).to_contain_text("Incorrect code")
    assert_no_axe_violations(page)  # The error state of the MFA step.
    assert_not_signed_in(page)


def test_wrong_password_is_refused(page: Page, world: World) -> None:
    submit_password(page, world.head.email, "not-the-password-at-all")

    assert path_of(page) == "/accounts/login/"
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not correct")
    expect(page.get_by_label("School email address")).to_have_value(world.head.email)
    assert_no_axe_violations(page)  # The error state of the sign-in page.
    assert_not_signed_in(page)


def test_parent_signs_in_with_emailed_code(page: Page, world: World) -> None:
    page.goto("/accounts/login/code/")
    assert_no_axe_violations(page)  # The request-code page.

    request_login_code(page, world.parent.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter Sign-In Code")
    assert_no_axe_violations(page)  # The confirm-code page.

    page.locator("input[name=code]").fill(login_code_from_outbox(world.parent.email))
    page.get_by_role("button", name="Confirm").click()
    wait_for_path(page, "/")

    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    children = main.locator(".cards > li")
    expect(children).to_have_count(2)
    assert sorted(children.get_by_role("heading", level=3).all_inner_texts()) == ["Amy", "Ben"]
    expect(children.filter(has_text="Amy")).to_contain_text("Oak (Year 1)")
    expect(children.filter(has_text="Amy")).to_contain_text("Mr Teal")
    expect(children.filter(has_text="Ben")).to_contain_text("Ash (Year 2)")
    expect(children.filter(has_text="Ben")).to_contain_text("Miss Birch")
    # Known names only: not the legal first name, not the family surname, and nobody else's child.
    body = page.locator("body").inner_text()
    for hidden in ["Amelia", "Parker", "Cara", "Quinn"]:
        assert hidden not in body, f"{hidden!r} is on the parent's home page"
    # Parents get no staff links.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Classes")).to_have_count(0)
    assert_no_axe_violations(page)


def test_wrong_sign_in_code_is_refused(page: Page, world: World) -> None:
    request_login_code(page, world.parent.email)
    code = login_code_from_outbox(world.parent.email)
    page.locator("input[name=code]").fill("X" * len(code) if code != "X" * len(code) else "Y" * len(code))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    assert path_of(page) == "/accounts/login/code/confirm/"
    expect(page.locator("main")).to_contain_text("Incorrect code")
    assert_no_axe_violations(page)
    assert_not_signed_in(page)


def test_staff_address_gets_no_sign_in_code(page: Page, world: World) -> None:
    # A code would skip the password and authenticator app: the adapter sends a "use your password" email.
    request_login_code(page, world.head.email)
    kinds = list(OutboundEmail.objects.filter(to=world.head.email).values_list("kind", flat=True))
    assert kinds == ["account.staff_use_password"]


def test_signed_in_parent_can_sign_out(page: Page, world: World) -> None:
    sign_in_parent(page, world.parent)
    page.get_by_role("button", name="Sign out").click()
    wait_for_path(page, "/accounts/login/")
    assert_not_signed_in(page)


def test_the_password_check_before_a_sensitive_step_passes_axe_on_a_phone(page: Page, world: World) -> None:
    """allauth asks for the password again (e.g. before setting up an authenticator); its "Forgot your
    password?" link was a target under 24 px (WCAG 2.5.8)."""
    from tests.browser.helpers import MOBILE, sign_in_staff

    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.teacher)
    page.goto("/accounts/reauthenticate/")
    link = page.get_by_role("link", name="Forgot your password?")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["height"] >= 24
    assert_no_axe_violations(page)


def test_the_favicon_is_served(page: Page, world: World) -> None:
    response = page.request.get("/favicon.ico")
    assert response.ok
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
