"""axe (WCAG 2.0/2.1/2.2 A and AA) on every page each persona reaches, and on the error pages."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import path_of, sign_in_parent, sign_in_staff
from tests.personas import World


def _tour(page: Page, paths: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Visit each path (it must answer 200 and stay put) and collect axe's violations per page."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert path_of(page) == path, f"{path} redirected to {page.url}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


def _report(found: dict[str, list[dict[str, Any]]]) -> str:
    return "\n".join(f"{path}:\n{describe(violations)}" for path, violations in found.items())


def test_headteacher_pages(page: Page, world: World) -> None:
    sign_in_staff(page, world.head, mfa=True)
    found = _tour(
        page,
        [
            "/",
            "/classes/",
            f"/classes/{world.oak.code}/",
            f"/pupils/{world.amy.code}/",
            "/staff/",
            "/audit/",
            "/emails/",
            "/policy/",
            "/learning/entitlement/",
            "/accounts/2fa/",
        ],
    )
    assert not found, "axe found WCAG A/AA violations:\n" + _report(found)


def test_teacher_pages(page: Page, world: World) -> None:
    sign_in_staff(page, world.teacher)
    found = _tour(page, ["/", "/classes/", f"/classes/{world.oak.code}/", f"/pupils/{world.cara.code}/"])
    assert not found, "axe found WCAG A/AA violations:\n" + _report(found)


def test_parent_pages(page: Page, world: World) -> None:
    sign_in_parent(page, world.parent)
    found = _tour(page, ["/", f"/children/{world.amy.code}/", f"/children/{world.ben.code}/"])
    assert not found, "axe found WCAG A/AA violations:\n" + _report(found)


def test_error_pages(page: Page, world: World) -> None:
    sign_in_parent(page, world.parent)
    found: dict[str, list[dict[str, Any]]] = {}
    # 403: a parent opening a staff page. 404: a page that does not exist, and another family's child.
    for path, status in [("/audit/", 403), ("/no-such-page/", 404), (f"/children/{world.cara.code}/", 404)]:
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        violations = axe_violations(page)
        if violations:
            found[f"{path} ({status})"] = violations
    assert not found, "axe found WCAG A/AA violations:\n" + _report(found)
