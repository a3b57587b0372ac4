"""Staff sign in with "Sign in with Microsoft" against the local OpenID Connect provider (issue 17)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from homelearning.core.models import AuditEvent
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MFA_PATH, assert_not_signed_in, current_totp, submit_totp, wait_for_path
from tests.fake_oidc import OTHER_TENANT, FakeOIDC
from tests.personas import World
from tests.sso.builders import microsoft_for


def test_a_teacher_signs_in_with_microsoft(page: Page, world: World, oidc: FakeOIDC) -> None:
    microsoft_for(world.school, staff_passwords=False)
    oidc.sign_in_as(world.teacher.email)
    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign in with Microsoft").click()
    wait_for_path(page, "/")
    expect(page.locator("main").get_by_role("heading", level=1)).to_have_text("Hello, Tom")
    assert oidc.refusals == []


def test_a_leader_signing_in_with_microsoft_is_still_asked_for_the_code(
    page: Page, world: World, oidc: FakeOIDC
) -> None:
    microsoft_for(world.school)
    oidc.sign_in_as(world.head.email, amr=["pwd", "mfa"])  # the school has not said the provider's MFA counts
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    wait_for_path(page, MFA_PATH)
    submit_totp(page, current_totp())
    wait_for_path(page, "/")
    expect(page.locator("main").get_by_role("heading", level=1)).to_have_text("Hello, Helen")


def test_a_token_from_another_tenant_is_refused_with_a_message(page: Page, world: World, oidc: FakeOIDC) -> None:
    microsoft_for(world.school)
    oidc.sign_in_as(world.teacher.email, tid=OTHER_TENANT)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    wait_for_path(page, "/accounts/login/")
    expect(page.get_by_text("belongs to another organisation")).to_be_visible()
    assert_no_axe_violations(page)
    assert_not_signed_in(page)
    assert AuditEvent.objects.filter(action="account.sso_refused", details__reason="wrong_tenant").exists()
