"""The teacher's recorded clip on an activity (issue 16, step 3), on a 375 px phone: a player the browser
draws itself, which plays the recording from our own origin; with JavaScript off it is still there."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, expect

from homelearning.learning import services
from homelearning.learning.models import Plan
from homelearning.people.models import Staff
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, sign_in_parent
from tests.browser.test_listen import _plan_today
from tests.learning.audio_files import m4a
from tests.personas import World


def _story(world: World) -> None:
    _plan_today(world)
    staff = Staff.objects.get(user=world.teacher)
    recording = services.resource_upload(
        by=staff, title="Chapter 3, read by Mr Teal", upload=SimpleUploadedFile("memo.m4a", m4a(3))
    )
    activity = Plan.objects.get(school_class=world.oak).activities.order_by("position").last()
    assert activity is not None
    activity.resources.add(recording)


def test_the_family_plays_the_teachers_recording(page: Page, world: World) -> None:
    _story(world)
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    player = page.get_by_label("Chapter 3, read by Mr Teal")
    expect(player).to_be_visible()
    assert page.locator("main").get_by_text("Chapter 3, read by Mr Teal (recording from the teacher)").is_visible()
    src = player.locator("source").get_attribute("src") or ""
    # The browser fetches it from our own origin when asked to play; the file is the stripped recording.
    player.evaluate("a => a.load()")
    page.wait_for_function("document.querySelector('audio').networkState !== 3")
    response = page.request.get(src)
    assert response.ok and response.headers["content-type"] == "audio/mp4" and b"Patel" not in response.body()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def test_without_javascript_the_recording_is_still_there(browser: Browser, base_url: str, world: World) -> None:
    _story(world)
    context = browser.new_context(base_url=base_url, viewport=MOBILE, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_parent(page, world.parent)
        expect(page.get_by_label("Chapter 3, read by Mr Teal")).to_be_visible()
        expect(page.get_by_role("heading", name="2. Read a story aloud")).to_be_visible()
    finally:
        context.close()
