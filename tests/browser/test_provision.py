"""The headteacher's remote-education pages in a real browser, with an axe check on each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.provision.models import RegisterMark
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import path_of, sign_in_staff
from tests.personas import World
from tests.provision.builders import active_case, requested_case, term_around_today


@pytest.fixture
def terms(world: World) -> World:
    """A term around today, whatever today is: the test reads the dashboard on the real date."""
    return term_around_today(world)


def test_headteacher_declares_a_closure_and_reads_the_dashboard(page: Page, terms: World) -> None:
    world = terms
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    case_start, *_, case_end = next_school_days(world.school, tomorrow, 5)
    first, last = next_school_days(world.school, tomorrow, 2)
    active_case(world, pupil=world.ben, start=case_start, end=case_end)
    case = requested_case(world)
    sign_in_staff(page, world.head, mfa=True)
    page.goto("/")
    page.get_by_role("link", name="Remote education").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remote education")
    assert not axe_violations(page), describe(axe_violations(page))

    page.get_by_role("link", name="Declare or change a closure").click()
    page.get_by_label("Reason").select_option("critical_incident")
    page.get_by_label("Some classes").check()
    page.get_by_label("Oak").check()
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Expected last day").fill(last.isoformat())
    page.get_by_role("button", name="Declare the closure").click()
    expect(page.get_by_text("The closure is declared")).to_be_visible()
    assert RegisterMark.objects.filter(closure__isnull=False).count() == 2 * 2 * 2  # Amy and Cara, 2 days, AM/PM

    paths = [
        "/remote-education/",
        "/remote-education/closures/",
        "/remote-education/cases/",
        "/remote-education/cases/new/",
        f"/remote-education/cases/{case.code}/",
        "/remote-education/register.csv",
    ]
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert path_of(page) == path
        violations = axe_violations(page)
        if violations:
            found[path] = describe(violations)
    assert not found, found
    page.goto("/remote-education/")
    expect(page.get_by_text("Critical incident")).to_be_visible()


def test_office_finds_the_pupil_and_records_a_request_on_a_phone(page: Page, terms: World) -> None:
    """Issue 19: the picker was hundreds of bare names. Search narrows it; the class and birthday tell pupils apart."""
    from homelearning.provision.models import Case
    from tests.browser.helpers import MOBILE

    world = terms
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.office, mfa=True)
    page.goto("/remote-education/cases/new/")
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_label("Find the pupil by name").fill("quinn")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status")).to_have_text("1 pupil match “quinn”.")
    picker = page.get_by_role("combobox", name="Pupil")
    expect(picker.locator("option:checked")).to_have_text("Cara Quinn (born 1 June 2020)")
    expect(picker.locator("optgroup")).to_have_attribute("label", "Oak (Year 1)")
    page.get_by_label("Who asked").fill("Mr Quinn (father)")
    page.get_by_label("Reason").select_option("medical")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("The request is recorded.")).to_be_visible()
    assert Case.objects.get().pupil == world.cara
    assert not axe_violations(page), describe(axe_violations(page))
