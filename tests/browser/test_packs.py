"""The office runs a paper pack through its life in a real browser; the teacher reviews and calls. axe on each page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.learning.models import Plan
from homelearning.packs.models import Pack
from homelearning.provision import services as provision
from homelearning.provision.models import Closure
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    MOBILE,
    broken_words,
    horizontal_overflow,
    pdf_page_screenshot,
    screenshot,
    sign_in_staff,
    term_around_today,
)
from tests.packs.builders import planned_week
from tests.personas import World


@pytest.fixture
def closed(world: World) -> World:
    """A term around today, a plan and a whole-school closure for the next five school days."""
    term_around_today(world)
    today = timezone.localdate()
    days = next_school_days(world.school, today + datetime.timedelta(days=1), 5)
    provision.closure_declare(
        by=world.staff(world.head),
        reason=Closure.Reason.EXTREME_WEATHER,
        scope=Closure.Scope.WHOLE_SCHOOL,
        first_day=days[0],
        last_day=days[-1],
    )
    planned_week(world.ash, world.staff(world.teacher_ash), days=tuple(days))
    assert Plan.objects.filter(school_class=world.ash).count() == 5
    return world


def test_office_runs_a_pack_and_the_teacher_reviews_it(page: Page, closed: World) -> None:
    world = closed
    sign_in_staff(page, world.office)
    page.get_by_role("link", name="Paper packs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paper packs")
    expect(page.get_by_text("Ben Parker (Ash): no device")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Offer a pack to Ben Parker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a request for a paper pack")
    assert_no_axe_violations(page)
    page.get_by_label("Who will collect the pack").fill("Pat Parker (mother)")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("The request is recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paper pack for Ben Parker")
    pack = Pack.objects.get()
    assert pack.requested_via == Pack.Via.OFFERED
    assert_no_axe_violations(page)

    page.get_by_label("A note for the family (printed on the cover, optional)").fill("Stay warm, Ben!")
    page.get_by_role("button", name="Print the pack").click()
    expect(page.get_by_text("The pack is printed.")).to_be_visible()
    link = page.get_by_role("link", name="Open the printed pack (PDF, 8 pages)")
    expect(link).to_be_visible()
    pdf = page.request.get(link.get_attribute("href") or "")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    # The first day's page as it prints (docs/screenshots/pack-pdf-day.png): the activities, formatted.
    printed = pdf_page_screenshot(pdf.body(), 2, "pack-pdf-day.png")
    assert "Ben" in printed and "**" not in printed and "Maths: Maths:" not in printed, printed[:500]
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Mark ready for collection").click()
    expect(page.get_by_text("Ready for collection: 1 carer emailed.")).to_be_visible()
    page.get_by_role("button", name="Record the collection").click()
    expect(page.get_by_text("The pack is collected.")).to_be_visible()
    page.get_by_role("button", name="Record that the pack is back").click()
    expect(page.get_by_text("The pack is back.")).to_be_visible()
    screenshot(page, "pack-detail.png")

    page.goto("/packs/")
    expect(page.get_by_role("heading", name="Awaiting the teacher's review")).to_be_visible()
    screenshot(page, "packs-dashboard.png")
    page.get_by_role("button", name="Sign out").click()

    sign_in_staff(page, world.teacher_ash)
    page.goto(f"/packs/{pack.code}/")
    page.get_by_label("What went well").fill("Neat number bonds all week.")
    page.get_by_label("Challenges").fill("Reading aloud without help.")
    page.get_by_label("Next steps").fill("Ten minutes of phonics a day.")
    page.get_by_role("button", name="Save the review and book the call").click()
    expect(page.get_by_text("The review is saved and a follow-up call is booked.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Spoke to the family").check()
    page.get_by_label("Challenges and successes talked about").fill("Proud of his maths; will read together.")
    page.get_by_role("button", name="Log the call").click()
    expect(page.get_by_text("This pack is complete.")).to_be_visible()
    expect(page.get_by_text("Follow-up call:", exact=False).first).to_be_visible()
    pack.refresh_from_db()
    assert pack.status == Pack.Status.CALLED

    page.set_viewport_size(MOBILE)
    page.goto(f"/pupils/{world.ben.code}/")
    expect(page.get_by_role("heading", name="Paper packs")).to_be_visible()
    expect(page.get_by_text("Follow-up call:", exact=False).first).to_be_visible()
    assert_no_axe_violations(page)
    for path in (f"/packs/{pack.code}/", "/packs/"):
        page.goto(path)
        scroll, width = horizontal_overflow(page)
        assert scroll <= width, path
        assert broken_words(page) == [], path
