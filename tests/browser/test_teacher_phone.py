"""A class teacher's day on a phone, as a first-time user does it (issue 19), with axe on every page:
the home page says what is waiting; the work page offers one box at a time; a pupil's page leads to their
learning, which leads on from a weekend; a session booked for later is cancelled, not "ended"."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.core.models import OutboundEmail
from homelearning.journal.models import Feedback
from homelearning.learning import services as learning
from homelearning.learning.models import Plan, Subject
from homelearning.live import services as live
from homelearning.live.models import LiveSession
from homelearning.people.models import Staff
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, broken_words, horizontal_overflow, sign_in_staff, term_around_today
from tests.journal.builders import sent_work
from tests.personas import World


def _fits(page: Page) -> None:
    page.wait_for_load_state()
    scroll, width = horizontal_overflow(page)
    assert scroll <= width, page.url
    assert broken_words(page) == [], page.url
    assert_no_axe_violations(page)


def test_a_teachers_day_on_a_phone(page: Page, world: World) -> None:
    term_around_today(world)
    staff = Staff.objects.get(user=world.teacher)
    today = timezone.localdate()
    later_day = next_school_days(world.school, today + datetime.timedelta(days=2), 1)[0]
    item = sent_work(world.amy, world.parent, note="Amy counted to twenty.")
    session = live.session_schedule(
        by=staff,
        school_class=world.oak,
        kind=LiveSession.Kind.GROUP_CALL,
        title="Phonics call",
        starts_at=timezone.make_aware(datetime.datetime.combine(later_day, datetime.time(11, 0))),
        minutes=20,
        monitor=Staff.objects.get(user=world.ta),
        pupils=[world.amy, world.cara],
    )
    plan = Plan.objects.create(school=world.school, school_class=world.oak, date=later_day, created_by=staff)
    learning.activity_add(
        plan=plan, by=staff, subject=Subject.objects.get(code="maths"), title="Count in twos", minutes=30
    )

    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.teacher)
    today_section = page.locator("section", has=page.get_by_role("heading", name=re.compile(r"^Today, ")))
    expect(today_section.get_by_role("link", name="Oak: 1 piece of work")).to_be_visible()
    _fits(page)

    # The work: feedback first, and only then a reply to the family.
    today_section.get_by_role("link", name="Oak: 1 piece of work").click()
    page.get_by_role("link", name="Amy Parker", exact=True).click()
    expect(page.get_by_role("heading", name="Give feedback")).to_be_visible()
    expect(page.get_by_label("Reply to the family")).to_have_count(0)
    _fits(page)
    page.get_by_role("textbox", name="Feedback").fill("Brilliant counting, Amy!")
    page.get_by_role("button", name="Save feedback and mark reviewed").click()
    expect(page.get_by_role("status").first).to_contain_text("Feedback saved")
    assert Feedback.objects.get(item=item).text == "Brilliant counting, Amy!"
    page.goto(f"/journal/items/{item.code}/")
    expect(page.get_by_label("Reply to the family")).to_be_visible()
    expect(page.get_by_role("heading", name="Give feedback")).to_have_count(0)

    # The pupil's page leads to their learning; the day links lead to the day with a plan.
    page.goto(f"/pupils/{world.amy.code}/")
    page.get_by_role("link", name=re.compile(r"^Amy\u2019s learning for ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bespoke learning: Amy Parker")
    _fits(page)
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    page.goto(f"/pupils/{world.amy.code}/learning/{saturday.isoformat()}/")
    expect(page.get_by_text("Nothing is planned for Oak on")).to_be_visible()
    days = page.get_by_role("navigation", name="Days")
    expect(days.get_by_role("link")).to_have_count(8)
    _fits(page)

    # A session booked for later is cancelled, and the families are told.
    page.goto(f"/live/sessions/{session.code}/")
    expect(page.get_by_role("button", name="End for everyone")).to_have_count(0)
    _fits(page)
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("The session is cancelled.")).to_be_visible()
    assert LiveSession.objects.get(pk=session.pk).status == LiveSession.Status.CANCELLED
    assert OutboundEmail.objects.filter(kind="live_cancelled").count() == 2
    _fits(page)
