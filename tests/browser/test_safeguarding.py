"""Safeguarding in the browser: a teacher raises a concern, the DSL sees it on the dashboard; axe on both."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.models import OutboundEmail
from homelearning.safeguarding import selectors, services
from homelearning.safeguarding.models import Concern, VulnerabilityReason
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    MOBILE,
    horizontal_overflow,
    screenshot,
    sign_in_parent,
    sign_in_staff,
    wait_for_path,
)
from tests.personas import World
from tests.safeguarding.builders import category, seed_reference_data


@pytest.fixture(autouse=True)
def _reference_data(world: World) -> None:
    seed_reference_data()


def test_a_teacher_raises_a_concern_from_the_pupil_page(page: Page, world: World) -> None:
    sign_in_staff(page, world.teacher)
    page.goto(f"/pupils/{world.amy.code}/")
    page.get_by_role("link", name="Raise a safeguarding concern about Amy").click()
    wait_for_path(page, "/safeguarding/concerns/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a safeguarding concern")
    assert_no_axe_violations(page)
    page.get_by_label("What the concern is about").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("Amy said there was no food at home all weekend.")
    page.get_by_label("Action taken so far").fill("Gave Amy breakfast.")
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("status")).to_contain_text("safeguarding team has been told")
    assert_no_axe_violations(page)
    concern = Concern.objects.get()
    assert [p.pk for p in concern.pupils.all()] == [world.amy.pk]
    assert OutboundEmail.objects.filter(kind="safeguarding.concern_raised").count() == 2


def test_the_dsl_dashboard(page: Page, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # Who is learning at home comes from provision (tested there); here every vulnerable pupil is.
    monkeypatch.setattr(selectors, "remote_pupil_ids", lambda school, **kw: set(kw["pupil_ids"]))
    services.vulnerable_add(
        school=world.school,
        pupil=world.amy,
        reason=VulnerabilityReason.objects.get(slug="cp-plan"),
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        by=world.dsl,
    )
    services.raise_concern(
        school=world.school,
        by=world.teacher,
        by_label="Tom Teal",
        pupils=[world.amy],
        category=category("neglect"),
        seen_or_heard="Amy said there was no food at home.",
        happened_at=timezone.now() - datetime.timedelta(hours=2),
    )
    sign_in_staff(page, world.head, mfa=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguarding").click()
    wait_for_path(page, "/safeguarding/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding")
    expect(page.get_by_role("table").first).to_contain_text("Amy Parker")
    expect(page.get_by_role("table", name="Contacts due from the DSL team")).to_contain_text("Overdue")
    assert_no_axe_violations(page)
    screenshot(page, "dsl-dashboard.png")
    page.set_viewport_size(MOBILE)
    scroll_width, viewport = horizontal_overflow(page)
    assert scroll_width <= viewport + 1


def test_the_dsl_teams_other_pages_pass_axe(page: Page, world: World) -> None:
    concern = services.raise_concern(
        school=world.school,
        by=world.teacher,
        by_label="Tom Teal",
        pupils=[world.amy],
        category=category("neglect"),
        seen_or_heard="Amy said there was no food at home.",
        happened_at=timezone.now() - datetime.timedelta(hours=2),
    )
    alert = services.alert_log(
        school=world.school,
        by=world.dsl,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        device_user="amy.p",
        category="Violence",
        pupil=world.amy,
    )
    services.vulnerable_add(
        school=world.school,
        pupil=world.amy,
        reason=VulnerabilityReason.objects.get(slug="cp-plan"),
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        by=world.dsl,
    )
    # Signing in with the authenticator code counts as the recent confirmation the chronology asks for.
    sign_in_staff(page, world.head, mfa=True)
    for path in [
        f"/safeguarding/concerns/{concern.code}/",
        "/safeguarding/concerns/",
        "/safeguarding/vulnerable/",
        "/safeguarding/alerts/",
        f"/safeguarding/alerts/{alert.code}/",
        "/safeguarding/pupils/",
        f"/safeguarding/pupils/{world.amy.code}/chronology",
        f"/safeguarding/pupils/{world.amy.code}/contact",
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        wait_for_path(page, path)
        assert_no_axe_violations(page)


def test_a_parent_reports_a_worry_on_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    page.goto("/safeguarding/report")
    assert_no_axe_violations(page)
    page.get_by_label("Ben").check()
    page.get_by_label("What is worrying you").fill("A stranger messaged Ben in a game.")
    page.get_by_label("When it happened, as near as you know").fill("2026-11-01T18:00")
    page.get_by_role("button", name="Send to the school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_no_axe_violations(page)
    scroll_width, viewport = horizontal_overflow(page)
    assert scroll_width <= viewport + 1
    assert Concern.objects.get().raised_as == Concern.RaisedAs.CARER
