"""The journal in the browser: a carer sends a photo from a phone on a slow connection (with upload
progress), the teacher finds it in the inbox and replies, the carer sees the feedback; the senior
leaders' weekly moderation queue. axe on every page; screenshots in docs/screenshots/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, Request, expect

from homelearning.journal.models import Feedback, WorkFile, WorkItem
from homelearning.journal.services import comment_add
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import horizontal_overflow, screenshot, sign_in_parent, sign_in_staff, wait_for_path
from tests.journal.builders import sent_work
from tests.personas import World

PHONE = {"width": 375, "height": 667}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def phone_photo() -> bytes:
    """A drawing of a box rocket with grain (so about half a megabyte), with camera and GPS tags."""
    picture = Image.new("RGB", (1200, 900), (220, 235, 250))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((500, 250, 700, 750), fill=(200, 60, 50))
    draw.polygon([(500, 250), (600, 100), (700, 250)], fill=(240, 180, 40))
    draw.ellipse((560, 380, 640, 460), fill=(90, 160, 220))
    grain = Image.effect_noise((1200, 900), 60).convert("RGB")
    image = Image.blend(picture, grain, 0.3)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def no_sideways_scroll(page: Page) -> None:
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width, f"the page scrolls sideways at {inner_width} px: {scroll_width}px of content"


def test_parent_sends_a_photo_teacher_replies_parent_sees_feedback(page: Page, world: World) -> None:
    # 1. The carer, on a phone, on a slow connection.
    page.set_viewport_size(PHONE)
    sign_in_parent(page, world.parent)
    page.goto(f"/children/{world.amy.code}/")
    page.get_by_role("link", name="Amy\u2019s journal: send work and see feedback").click()
    wait_for_path(page, f"/journal/child/{world.amy.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amy\u2019s journal")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)
    # The file chooser is the page's main control: a large target, not the browser's 21 px default.
    chooser = page.get_by_label("Photos or PDFs").bounding_box()
    assert chooser is not None and chooser["height"] >= 44 and chooser["width"] >= 300, chooser
    button_height = page.get_by_label("Photos or PDFs").evaluate(
        "e => parseFloat(getComputedStyle(e, '::file-selector-button').minHeight)"
    )
    assert button_height >= 44, button_height
    screenshot(page, "parent-send-work.png")

    posted: list[Request] = []
    page.on("request", lambda r: posted.append(r) if r.method == "POST" and "/journal/child/" in r.url else None)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 200, "downloadThroughput": 200_000, "uploadThroughput": 150_000},
    )
    page.get_by_label("Photos or PDFs").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
    )
    page.get_by_label("A short note (optional)").fill("Amy built a rocket from boxes.")
    page.get_by_role("button", name="Send to the class").click()
    progress = page.get_by_label("Sending your work")
    expect(progress).to_be_visible()
    expect(page.locator("[data-upload-text]")).to_contain_text("Sending…")
    assert_no_axe_violations(page)  # the page while the progress bar shows
    expect(page.get_by_role("status").first).to_contain_text("Amy's work has been sent to the class.", timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    assert len(posted) == 1 and posted[0].headers.get("x-upload-progress") == "1"  # sent by the script
    item = WorkItem.objects.get(pupil=world.amy)
    photo = WorkFile.objects.get(item=item)
    assert not Image.open(photo.file.path).getexif()
    expect(page.locator("main")).to_contain_text("Amy built a rocket from boxes.")
    expect(page.get_by_role("img", name="Photo 1 of the work")).to_be_visible()

    # 2. The teacher, at a desk.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_staff(page, world.teacher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Work", exact=True).click()
    wait_for_path(page, "/journal/inbox/")
    expect(page.get_by_role("row", name="Oak Year 1 1")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Oak", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oak: work from home")
    assert_no_axe_violations(page)
    screenshot(page, "teacher-inbox.png")
    page.get_by_role("link", name="Amy Parker", exact=True).click()
    wait_for_path(page, f"/journal/items/{item.code}/")
    expect(page.get_by_role("img", name="Photo 1 of the work")).to_be_visible()
    page.get_by_role("button", name="Save feedback and mark reviewed").click()  # empty: a message, nothing saved
    expect(page.locator("main")).to_contain_text("This field is required.")
    assert not Feedback.objects.exists()
    assert_no_axe_violations(page)
    page.get_by_role("textbox", name="Feedback").fill("What a tall rocket, Amy! Can you count the boxes?")
    page.get_by_role("button", name="Save feedback and mark reviewed").click()
    expect(page.get_by_role("status").first).to_contain_text("Feedback saved")
    expect(page.locator("main")).to_contain_text("All work has feedback.")

    # 3. The carer sees the feedback beside the work.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in_parent(page, world.parent)
    page.goto(f"/journal/child/{world.amy.code}/")
    work = page.get_by_role("article").filter(has_text="Amy built a rocket from boxes.")
    expect(work).to_contain_text("Feedback from Mr Teal")
    expect(work).to_contain_text("What a tall rocket, Amy! Can you count the boxes?")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "parent-feedback.png")


def test_the_plain_form_works_without_javascript(browser, base_url: str, world: World) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_parent_without_js(page, world)
        page.goto(f"/journal/child/{world.amy.code}/")
        page.get_by_label("Photos or PDFs").set_input_files(
            {"name": "IMG_2042.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
        )
        page.get_by_role("button", name="Send to the class").click()
        expect(page.get_by_role("status").first).to_contain_text("Amy's work has been sent to the class.")
        assert WorkFile.objects.filter(item__pupil=world.amy).count() == 1
    finally:
        context.close()


def sign_in_parent_without_js(page: Page, world: World) -> None:
    # The sign-in pages are plain forms too; the emailed-code journey works with scripts off.
    sign_in_parent(page, world.parent)


def test_senior_leaders_moderation_queue(page: Page, world: World) -> None:
    item = sent_work(world.amy, world.parent, note="Our family walk.")
    comment_add(item=item, by=world.parent, by_label="Pat Parker", text="She loved the ducks.", by_staff=False)
    sent_work(world.cara, world.other_parent, note="Counting to 20.", photo=False)
    sign_in_staff(page, world.senior, mfa=True)
    page.goto("/journal/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly moderation")
    expect(page.get_by_role("table", name="Work not yet reviewed (2)")).to_be_visible()
    expect(page.get_by_role("table", name="Comments not yet reviewed (1)")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "moderation-queue.png")
    page.get_by_role("button", name="Mark ticked items reviewed").click()
    expect(page.get_by_role("status").first).to_contain_text("3 marked as reviewed.")
    expect(page.get_by_role("cell", name="Sam Stone")).to_be_visible()
    assert WorkItem.objects.filter(moderated_by=world.senior).count() == 2
    assert_no_axe_violations(page)
