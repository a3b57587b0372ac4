"""Engagement in the browser (issue 18): a quiet child appears on the teacher's home page, one click puts a call
in the call list; the DSL's list puts the vulnerable child not reached first. Axe on each page, on a phone too.

Dates come from today: the snow began three school days ago, whatever today is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import SchoolCalendar
from homelearning.engagement.models import PlanOpening
from homelearning.journal.models import CallRequest
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, horizontal_overflow, sign_in_staff, term_around_today
from tests.personas import World
from tests.provision.builders import ensure_absence_codes, whole_school_closure
from tests.safeguarding import builders as sg


def _snow_since_three_school_days_ago(world: World) -> list[datetime.date]:
    """A whole-school closure from three school days before today to today (or the last school day)."""
    ensure_absence_codes()
    term_around_today(world)
    today = timezone.localdate()
    calendar = SchoolCalendar.load(world.school, today - datetime.timedelta(days=30), today)
    past = [d for d in (today - datetime.timedelta(days=n) for n in range(1, 30)) if calendar.is_school_day(d)][:3]
    last = today if calendar.is_school_day(today) else past[0]
    whole_school_closure(world, first=past[-1], last=last)
    # Amy's family opened her plan on the first day; Cara's family has not been heard from at all.
    PlanOpening.objects.create(school=world.school, pupil=world.amy, day=past[-1])
    return past


def test_a_quiet_child_on_the_teachers_list_and_a_call_from_it(page: Page, world: World) -> None:
    _snow_since_three_school_days_ago(world)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.teacher)
    page.goto("/")
    quiet = page.get_by_role("region", name="Children gone quiet")
    expect(quiet).to_be_visible()
    rows = quiet.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Cara Quinn")  # not reached: first
    expect(rows.nth(1)).to_contain_text("Not reached: 3 school days")
    expect(rows.nth(2)).to_contain_text("Amy Parker")
    expect(rows.nth(2)).to_contain_text("Quiet: 2 school days")
    assert_no_axe_violations(page)
    width, viewport = horizontal_overflow(page)
    assert width <= viewport, f"the home page is {width}px wide on a {viewport}px phone"

    quiet.get_by_role("button", name="Ask for a call to Cara Quinn's family").click()
    expect(page.get_by_role("status")).to_contain_text("A call to Cara Quinn's family is in your call list for today")
    call = CallRequest.objects.get(pupil=world.cara)
    assert call.status == CallRequest.Status.OPEN and call.call_on == timezone.localdate() and call.by_staff
    quiet = page.get_by_role("region", name="Children gone quiet")
    expect(quiet.get_by_role("link", name="Call asked for (Cara Quinn's family)")).to_be_visible()
    expect(page.get_by_role("heading", name="Calls to make").locator("xpath=..")).to_contain_text("Cara Quinn")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Everyone's engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement")
    assert_no_axe_violations(page)
    page.goto("/journal/calls/")
    expect(page.get_by_text("Cara Quinn").first).to_be_visible()


def test_the_dsl_list_puts_the_vulnerable_child_not_reached_first(page: Page, world: World) -> None:
    sg.seed_reference_data()
    _snow_since_three_school_days_ago(world)
    sg.vulnerable(world, world.amy)
    sg.vulnerable(world, world.cara)
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto("/safeguarding/")
    table = page.get_by_role("table", name="Contacts due from the DSL team")
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("Cara Quinn")
    expect(first).to_contain_text("Not reached")
    expect(table.get_by_role("row").nth(2)).to_contain_text("Amy Parker")
    assert_no_axe_violations(page)


def test_the_headteacher_reads_the_report_on_a_phone(page: Page, world: World) -> None:
    _snow_since_three_school_days_ago(world)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.head, mfa=True)
    page.goto("/reports/remote-education/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remote education report")
    expect(page.get_by_role("heading", name="Engagement by class").first).to_be_visible()
    expect(page.get_by_role("img", name="Engagement rate by class (per cent of pupil-days)")).to_be_visible()
    assert_no_axe_violations(page)
    width, viewport = horizontal_overflow(page)
    assert width <= viewport, f"the report is {width}px wide on a {viewport}px phone"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_label("To").fill("2000-01-01")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("Choose a date between").first).to_be_visible()
    assert_no_axe_violations(page)
