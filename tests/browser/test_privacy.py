"""Data protection in the browser: a subject access request run from the web, and the parents' privacy pages."""

from __future__ import annotations

import io
import json
import zipfile

from playwright.sync_api import Page, expect

from homelearning.privacy.models import SubjectAccessRequest
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, horizontal_overflow, screenshot, sign_in_parent, sign_in_staff, wait_for_path
from tests.personas import World


def test_the_office_runs_a_subject_access_request(page: Page, world: World) -> None:
    sign_in_staff(page, world.office)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data protection").click()
    wait_for_path(page, "/privacy/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    assert_no_axe_violations(page)
    # Bad input first: nobody chosen.
    page.get_by_label("Who asked").fill("Pat Parker (mother)")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Whose information").select_option(label="Parker, Amy (Oak)")
    page.get_by_label("Who asked").fill("Pat Parker (mother)")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access request: Amy Parker")
    expect(page.get_by_role("status")).to_contain_text("Respond by")
    assert_no_axe_violations(page)
    screenshot(page, "subject-access-request.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    records = json.loads(archive.read("records.json"))
    assert records["subject"]["legal_first_name"] == "Amelia"
    assert "Safeguarding concerns" in records["withheld"]
    page.get_by_role("button", name="Mark as sent to the requester").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as sent")
    assert SubjectAccessRequest.objects.get().status == "completed"


def test_a_parent_reads_the_policy_and_the_privacy_notice_on_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Menu").click()  # on a phone the menu is folded
    nav.get_by_role("link", name="Policy and privacy").click()
    wait_for_path(page, "/privacy/policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remote Learning Policy")
    expect(page.get_by_text("Anti-Bullying Policy")).to_be_visible()
    assert_no_axe_violations(page)
    scroll_width, viewport = horizontal_overflow(page)
    assert scroll_width <= viewport + 1
    page.get_by_role("main").get_by_role("link", name="the privacy notice").click()
    wait_for_path(page, "/privacy/notice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice for parents and carers")
    expect(page.get_by_role("main")).to_contain_text("office@balfour.test")
    assert_no_axe_violations(page)
    screenshot(page, "privacy-notice-mobile.png")
    scroll_width, viewport = horizontal_overflow(page)
    assert scroll_width <= viewport + 1


def test_the_privacy_notice_before_signing_in(page: Page, world: World) -> None:
    page.goto("/privacy/notice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice for parents and carers")
    assert_no_axe_violations(page)


def test_the_headteachers_data_protection_pages_pass_axe(page: Page, world: World) -> None:
    sign_in_staff(page, world.head, mfa=True)
    for path, heading in [
        ("/privacy/retention/", "Retention schedule"),
        ("/privacy/devices/", "Staff device confirmations"),
        ("/privacy/device/", "Confirm your device for this term"),
        ("/privacy/policy/", "Remote Learning Policy"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(page)
    # Skipping a point of the device confirmation says which, and saves nothing.
    page.goto("/privacy/device/")
    page.get_by_label("My device is password-protected.").check()
    page.get_by_role("button", name="Confirm all six points").click()
    expect(page.get_by_role("alert")).to_contain_text("Its hard drive is encrypted.")
    assert_no_axe_violations(page)
