"""A live session end to end in real browsers: the teacher books it, the carer accepts the agreement and waits,
the teacher lets the child in, the carer reaches the demonstration room as the child's first name only, a
forwarded link fails for another parent, and the host ends it for everyone. Every page gets an axe check."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from homelearning.core.calendar import next_school_days
from homelearning.core.models import OutboundEmail
from homelearning.live.models import Invitation, LiveSession
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import (
    DESKTOP,
    MOBILE,
    PageGuard,
    broken_words,
    path_of,
    screenshot,
    sign_in_parent,
    sign_in_staff,
    term_around_today,
)
from tests.personas import World


@pytest.fixture
def terms(world: World) -> World:
    term_around_today(world)
    return world


@pytest.fixture
def carer_context(browser: Browser, base_url: str) -> Iterator[tuple[BrowserContext, PageGuard]]:
    """A second browser, on a phone-sized screen, for the family (with the same no-third-party guard)."""
    context = browser.new_context(base_url=base_url, viewport=MOBILE, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    guard = PageGuard()
    context.route("**/*", guard.handle)
    yield context, guard
    context.close()
    guard.check()


def _new_page(pair: tuple[BrowserContext, PageGuard]) -> Page:
    context, guard = pair
    page = context.new_page()
    page.on("response", guard.check_static)
    return page


def test_story_time_from_booking_to_ending_for_everyone(
    page: Page, terms: World, carer_context: tuple[BrowserContext, PageGuard], browser: Browser, base_url: str
) -> None:
    world = terms
    day = next_school_days(world.school, timezone.localdate() + datetime.timedelta(days=1), 1)[0]

    # The teacher books the weekly story time for Amy and Cara.
    sign_in_staff(page, world.teacher)
    page.goto("/live/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Set up a live session for Oak").click()
    assert_no_axe_violations(page)
    page.get_by_label("Kind of session").select_option("story_time")
    page.get_by_label("Title").fill("Story time")
    page.get_by_label("Starts at").fill(f"{day:%Y-%m-%d}T10:00")
    page.get_by_label("Length in minutes").fill("30")
    page.get_by_label("Second member of staff watching the session").select_option(label="Tara Ash")
    # A running count of the children ticked, against the policy's limit.
    count = page.locator("p.count")
    expect(count).to_have_text("Children chosen: 0 (at most 15).")
    page.get_by_label("Amy Parker").check()
    expect(count).to_have_text("Children chosen: 1 (at most 15).")
    page.get_by_label("Cara Quinn").check()
    expect(count).to_have_text("Children chosen: 2 (at most 15).")
    page.get_by_role("button", name="Book the session and send invitations").click()
    expect(page.get_by_text("The session is booked and the invitations are on their way.")).to_be_visible()
    assert_no_axe_violations(page)
    session = LiveSession.objects.get()
    assert session.kind == LiveSession.Kind.STORY_TIME

    # The carers' emails: one each, with the link to Home Learning and the calendar file.
    email = OutboundEmail.objects.get(kind="live_invitation", to="pat.parker@example.com")
    found = re.search(r"https?://\S+(/live/invitations/[\w-]+/)", email.body_text)
    assert found, email.body_text
    link = found.group(1)
    assert link + "calendar.ics" in email.body_text
    assert OutboundEmail.objects.filter(kind="live_invitation", to="q.quinn@example.com").exists()

    # Amy's mother signs in with the emailed code. Her home page names the session; before the waiting room
    # opens, the link says when it will, with the agreement to read first (not "Page not found").
    carer = _new_page(carer_context)
    sign_in_parent(carer, world.parent)
    live = carer.get_by_role("region", name="Live sessions")
    expect(live.get_by_role("link", name=re.compile(r"^Story time for Amy, "))).to_be_visible()
    assert_no_axe_violations(carer)
    live.get_by_role("link", name=re.compile(r"^Story time for Amy, ")).click()
    opens = timezone.localtime(session.opens_at)
    expect(carer.get_by_role("heading", name=f"The waiting room opens at {opens:%H:%M}")).to_be_visible()
    expect(carer.get_by_role("heading", name="Live Remote Learning Agreement (version 1)")).to_be_visible()
    expect(carer.get_by_role("button", name="Accept and go to the waiting room")).to_have_count(0)
    assert broken_words(carer) == []
    assert_no_axe_violations(carer)
    screenshot(carer, "live-not-open-yet.png")

    # The session's time comes (moved, not waited for): it starts in two minutes.
    LiveSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() + datetime.timedelta(minutes=2))

    # A forwarded link is useless to another parent.
    other_context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/London")
    other_guard = PageGuard()
    other_context.route("**/*", other_guard.handle)
    other = other_context.new_page()
    sign_in_parent(other, world.other_parent)
    response = other.goto(link)
    assert response is not None and response.status == 404
    other_context.close()
    other_guard.check()

    # Amy's mother opens the link again and accepts the agreement.
    carer.goto(link)
    expect(carer.get_by_role("heading", level=1)).to_have_text("Story time for Amy")
    expect(carer.get_by_text("Live Remote Learning Agreement (version 1)")).to_be_visible()
    assert_no_axe_violations(carer)
    carer.get_by_label("I accept the Live Remote Learning Agreement for myself and my child").check()
    carer.get_by_role("button", name="Accept and go to the waiting room").click()
    expect(carer.get_by_text("Please wait: a member of staff will let Amy in shortly.")).to_be_visible()
    assert_no_axe_violations(carer)
    screenshot(carer, "live-waiting-room.png")
    invitation = Invitation.objects.get(pupil=world.amy)
    assert invitation.status == Invitation.Status.WAITING and invitation.agreement is not None

    # The teacher's console shows Amy waiting (first name, class, carer) within a few seconds, and lets her in.
    page.goto(f"/live/sessions/{session.code}/")
    admit = page.get_by_role("button", name="Let Amy in")
    expect(admit).to_be_visible(timeout=10_000)
    expect(page.get_by_text("with Pat Parker")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "live-console.png")
    # On a phone the two answers are apart and look different, and each invitation's actions are on screen.
    page.set_viewport_size(MOBILE)
    away = page.get_by_role("button", name="Turn Amy away")
    admit_box, away_box = admit.bounding_box(), away.bounding_box()
    assert admit_box is not None and away_box is not None
    apart_across = away_box["x"] >= admit_box["x"] + admit_box["width"] + 8
    apart_down = away_box["y"] >= admit_box["y"] + admit_box["height"] + 8
    assert apart_across or apart_down, (admit_box, away_box)
    colours = [b.evaluate("e => getComputedStyle(e).backgroundColor") for b in (admit, away)]
    assert colours[0] != colours[1], colours
    for stop in page.get_by_role("link", name=re.compile(r"^Stop live sessions for ")).all():
        box = stop.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], box
    assert broken_words(page) == []
    assert_no_axe_violations(page)
    screenshot(page, "live-console-phone.png")
    page.set_viewport_size(DESKTOP)
    admit.click()
    expect(page.get_by_text("Amy has been let in.")).to_be_visible()

    # The carer's page learns it by itself and offers the way into the room.
    join = carer.get_by_role("link", name="Join the session")
    expect(join).to_be_visible(timeout=10_000)
    expect(carer.get_by_text("Amy can join now")).to_be_visible()
    assert_no_axe_violations(carer)
    screenshot(carer, "live-admitted.png")
    join.click()
    expect(carer.get_by_text("You are in the room as “Amy”")).to_be_visible()
    expect(carer.get_by_text("Demonstration:")).to_be_visible()
    body = carer.locator("main").inner_text()
    assert "Amelia" not in body and "Parker" not in body
    assert_no_axe_violations(carer)
    room = path_of(carer)

    # The host ends it for everyone; the carer's page says so by itself; the room and link let nobody in.
    carer.goto(link)
    expect(carer.get_by_text("Amy can join now")).to_be_visible()
    page.get_by_role("button", name="End for everyone").click()
    expect(page.get_by_text("The session has ended for everyone.")).to_be_visible()
    assert LiveSession.objects.get().status == LiveSession.Status.ENDED
    expect(carer.get_by_text("The session has ended")).to_be_visible(timeout=10_000)
    expect(carer.get_by_role("link", name="Join the session")).to_have_count(0)
    assert_no_axe_violations(carer)
    carer.goto(link)
    expect(carer.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(carer.get_by_role("link", name="Join the session")).to_have_count(0)
    response = carer.goto(room)
    assert response is not None and response.status == 404


def test_office_bans_and_redirect_pages_pass_axe(page: Page, terms: World) -> None:
    world = terms
    sign_in_staff(page, world.office)
    page.goto("/live/")
    page.get_by_role("link", name="Who receives live session invitations").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change for Amy").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Amy's live session invitations now go to Pat Parker.")).to_be_visible()
    page.goto("/live/bans/")
    assert_no_axe_violations(page)
    page.goto(f"/live/pupils/{world.amy.code}/ban")
    assert_no_axe_violations(page)
    page.get_by_label("How was the agreement broken?").fill("Shared the link.")
    page.get_by_role("button", name="Stop live sessions").click()
    # Said at the top of the page (the error summary, focused) and beside the form.
    expect(page.locator("#error-summary")).to_contain_text("Only the child's class staff")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_text("Only the child's class staff").nth(1)).to_be_visible()
    assert_no_axe_violations(page)


def test_the_count_says_when_too_many_children_are_ticked(page: Page, terms: World) -> None:
    world = terms
    world.school.policy_versions.filter(in_force=True).update(live_max_children=1)
    page.set_viewport_size(MOBILE)
    sign_in_staff(page, world.teacher)
    page.goto(f"/live/classes/{world.oak.code}/new")
    count = page.locator("p.count")
    page.get_by_label("Amy Parker").check()
    expect(count).to_have_text("Children chosen: 1 (at most 1).")
    page.get_by_label("Cara Quinn").check()
    expect(count).to_have_text("Children chosen: 2 (at most 1). That is 1 too many: untick 1.")
    colour = count.evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(164, 22, 26)", colour
    assert_no_axe_violations(page)
