"""A family reads Home Learning in their own language (issue 16), on a 375 px phone, with axe.

A carer chooses Polish at the foot of a page: the home page and the day's plan are in Polish, Listen
speaks in Polish, and the choice is kept with the carer's record (so it follows them to another
phone). An Arabic page is laid out right to left.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from homelearning.core.models import AuditEvent
from homelearning.journal.models import WorkItem
from homelearning.people.models import Carer, User
from tests.browser.axe import assert_no_axe_violations
from tests.browser.helpers import MOBILE, broken_words, screenshot, sign_in_parent
from tests.browser.test_journal import phone_photo
from tests.browser.test_listen import RECORDER, _plan_today
from tests.fake_notify import FakeNotify, run_text_jobs
from tests.fake_translator import FakeAzure, run_translation_jobs
from tests.personas import World


def test_a_carer_chooses_polish_and_reads_the_plan_and_hears_it_in_polish(page: Page, world: World) -> None:
    _plan_today(world)
    page.add_init_script(RECORDER)
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    page.get_by_role("link", name="Language: English").click()
    assert_no_axe_violations(page)
    page.get_by_label("Polski").check()
    page.get_by_role("button", name="Save").click()

    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Dzień dobry, Pat")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("status").first).to_contain_text("Twoje strony są teraz w języku: Polski")
    expect(main).to_contain_text("Dzisiejsza nauka")
    expect(main.get_by_role("link", name="Wyślij pracę: Amy")).to_be_visible()
    assert_no_axe_violations(page)
    assert broken_words(page) == []
    screenshot(page, "parent-polish.png")

    # The teacher's own words stay as written; the page around them is Polish, and Listen speaks Polish.
    listen = page.get_by_role("button", name=re.compile(r"^Posłuchaj\W+Number bonds to 10$")).first
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["lang"] == "pl"
    assert "Około 45 min" in spoken[-1]["text"] and "Number bonds to 10" in spoken[-1]["text"]

    # Kept with the carer's record, in every school they have a child at, and audited.
    assert set(Carer.objects.filter(user=world.parent).values_list("preferred_language", flat=True)) == {"pl"}
    assert AuditEvent.objects.filter(action="carer.language_set", details__language="pl").exists()


def test_an_arabic_page_reads_right_to_left(page: Page, world: World) -> None:
    _plan_today(world)
    Carer.objects.filter(user=world.parent).update(preferred_language="ar")
    page.set_viewport_size(MOBILE)
    sign_in_parent(page, world.parent)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    expect(page.locator("main h1")).to_have_text("مرحبًا، Pat")
    # Even the message of the sign-in itself, written before the page knew the carer's language.
    expect(page.get_by_role("status").first).to_contain_text("سجّلت الدخول باسم")

    # The earlier day sits at the right of the row and the later day at the left, as an Arabic reader expects.
    nav = page.locator(".day-nav").first
    earlier, later = nav.locator("a").first.bounding_box(), nav.locator("a").last.bounding_box()
    assert earlier and later and earlier["x"] > later["x"], (earlier, later)
    # Nothing runs off the side of the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert_no_axe_violations(page)
    screenshot(page, "parent-arabic.png")

    page.goto(page.locator(".cards h3 a").first.get_attribute("href") or "/")
    expect(page.locator("main h2").first).to_have_text("تعلّم اليوم")
    assert_no_axe_violations(page)


def test_a_polish_carer_signs_in_by_text_reads_the_plan_translated_listens_and_sends_work(
    page: Page, world: World, azure: FakeAzure, notify: FakeNotify
) -> None:
    """Issue 16's whole journey on a 375 px phone. Pat has no email address, only a mobile: she signs in with a
    code sent by text (the fake GOV.UK Notify of tests/fake_notify.py), in Polish. The teacher writes in English;
    a machine translates it (the fake Azure of tests/fake_translator.py puts `pl:` before each word it
    translates) with the child's name kept back, and the page says so. Listen speaks Polish; she sends work."""
    Carer.objects.filter(user=world.parent).update(preferred_language="pl", email="", phone="+447700900123")
    User.objects.filter(pk=world.parent.pk).update(phone="+447700900123")
    _plan_today(world)
    assert run_translation_jobs()[-1].endswith("stored")
    page.add_init_script(RECORDER)
    page.set_viewport_size(MOBILE)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Send me a sign-in code").click()
    page.get_by_label("Mobile number").fill("07700 900123")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Request Code").click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    expect(page.locator("main")).to_contain_text("We have sent a code by text to 07700 900123.")
    assert run_text_jobs() == ["sent"]
    (text,) = notify.bodies()
    assert text.startswith("Twój kod logowania do Home Learning to ")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", text)
    assert code is not None
    page.get_by_label("Code").fill(code.group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Dzień dobry, Pat")
    expect(main.get_by_role("heading", name="1. pl:Number pl:bonds pl:to 10")).to_be_visible()
    note = main.locator(".machine-note").first
    expect(note).to_contain_text("Przetłumaczone automatycznie")
    original = note.locator('[lang="en-GB"]')
    expect(original).to_be_hidden()
    note.get_by_text("Pokaż oryginał (po angielsku)").click()
    expect(original).to_be_visible()
    expect(original).to_contain_text("Number bonds to 10")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]

    main.get_by_role("button", name=re.compile(r"^Posłuchaj\W+pl:Number")).first.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["lang"] == "pl" and "pl:Number pl:bonds" in spoken[-1]["text"]

    main.get_by_role("link", name="Wyślij pracę: Amy").click()
    page.get_by_label("Zdjęcia lub pliki PDF").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
    )
    page.get_by_role("button", name="Wyślij do klasy").click()
    expect(page.get_by_role("status").first).to_contain_text("Amy", timeout=30_000)
    assert WorkItem.objects.filter(pupil=world.amy).count() == 1
    assert all("Amy" not in text for text in azure.texts_sent())
    assert_no_axe_violations(page)
