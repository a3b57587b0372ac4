"""Safeguarding in the browser: a teacher raises a concern, the DSL sees it on the dashboard; axe on both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from homelearning.core.models import OutboundEmail
from homelearning.safeguarding import selectors
from homelearning.safeguarding.models import Concern
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
from tests.safeguarding.builders import acknowledged_concern, new_alert, raised_concern, vulnerable


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
    vulnerable(world, world.amy)
    raised_concern(world)
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
    concern = raised_concern(world)
    alert = new_alert(world)
    vulnerable(world, world.amy)
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


def dsl_team_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="safeguarding.concern_raised").order_by("to"))


def the_dsl_sees_it_on_the_dashboard(page: Page, world: World, *, source: str) -> None:
    """Sign out, sign in as the deputy DSL and find the concern, with where it came from, on the dashboard."""
    page.context.clear_cookies()
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto("/safeguarding/")
    open_concerns = page.get_by_role("table").first
    expect(open_concerns).to_contain_text("Amy Parker")
    expect(open_concerns).to_contain_text(f"From: {source.lower()}")
    expect(open_concerns).to_contain_text("Not yet")
    open_concerns.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding concern")
    expect(page.get_by_role("link", name=source)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Concern acknowledged.")


def test_a_concern_raised_from_a_journal_item_reaches_the_dsl_email_and_dashboard(page: Page, world: World) -> None:
    from tests.journal.builders import sent_work

    item = sent_work(world.amy, world.parent, note="My family picture.", photo=False)
    # The weekly moderation is where staff other than the class teacher meet a worrying piece of work.
    sign_in_staff(page, world.senior, mfa=True)
    page.goto("/journal/moderation/")
    page.get_by_role("link", name="Tell the DSL").click()
    wait_for_path(page, f"/journal/moderation/{item.code}/escalate")
    assert_no_axe_violations(page)
    page.get_by_label("What is the worry about?").select_option(label="Online safety")
    page.get_by_label("What did you see?").fill("The picture shows an adult we do not know in Amy's bedroom.")
    page.get_by_role("button", name="Send to the DSL team now").click()
    expect(page.get_by_role("status").first).to_contain_text("The DSL team has been told.")
    concern = Concern.objects.get()
    assert (concern.source_type, concern.source_code) == ("journal_item", item.code)
    emails = dsl_team_emails()
    assert [e.to for e in emails] == ["dsl@balfour.test", "head@balfour.test"]
    assert all("Amy" not in e.body_text and "bedroom" not in e.body_text for e in emails)
    the_dsl_sees_it_on_the_dashboard(page, world, source="A piece of work in the journal")
    concern.refresh_from_db()
    assert concern.acknowledged_by == world.dsl


def test_a_concern_raised_from_a_live_session_reaches_the_dsl_email_and_dashboard(page: Page, world: World) -> None:
    from tests.safeguarding.builders import ended_live_session_with_risk

    session = ended_live_session_with_risk(world, pupils=[world.amy, world.cara])
    sign_in_staff(page, world.teacher)
    page.goto(f"/live/sessions/{session.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    page.get_by_role("link", name="Raise a safeguarding concern about Amy", exact=True).click()
    wait_for_path(page, "/safeguarding/concerns/new")
    # The child and the session come with the link.
    expect(page.get_by_label("Which children")).to_have_values([world.amy.code])
    expect(page.get_by_text("Raised from: a live session.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("What the concern is about").select_option(label="Online safety")
    page.get_by_label("What you saw or heard").fill(
        "An adult's voice told Amy to turn her camera off and keep a secret."
    )
    page.get_by_label("Action taken so far").fill("Ended the session for everyone.")
    screenshot(page, "concern-from-live-session.png")
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("status")).to_contain_text("safeguarding team has been told")
    concern = Concern.objects.get()
    assert (concern.source_type, concern.source_code) == ("live_session", session.code)
    assert [p.pk for p in concern.pupils.all()] == [world.amy.pk]
    emails = dsl_team_emails()
    assert [e.to for e in emails] == ["dsl@balfour.test", "head@balfour.test"]
    assert all("Amy" not in e.body_text and "secret" not in e.body_text for e in emails)
    the_dsl_sees_it_on_the_dashboard(page, world, source="A live session")


PROVIDER_CSV = (
    "Event Time,Username,Machine,Alert,Search,UPN\n"
    "20/11/2026 10:15,amy.p,Laptop 7,Self-harm,how to hurt myself,T938456789012\n"
    "20/11/2026 11:00,ben.p,Laptop 9,Gambling,free spins,\n"
)


def test_the_dsl_imports_alerts_matching_the_providers_columns(page: Page, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from homelearning.safeguarding.access import settings_for
    from homelearning.safeguarding.models import FilterAlert

    csv_file = tmp_path / "smoothwall-export.csv"
    csv_file.write_text(PROVIDER_CSV, encoding="utf-8")
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto("/safeguarding/alerts/")
    page.get_by_label("CSV file from the filtering system").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and match the columns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import filtering alerts")
    # "Alert" and "Search" are not names we guess: the page says what is missing and offers no import yet.
    expect(page.get_by_role("alert")).to_contain_text("Choose the column that holds: Category.")
    expect(page.get_by_role("button", name="Import 2 alerts")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_label("Category:", exact=True).select_option("Alert")
    page.get_by_label("What was blocked or flagged (optional)").select_option("Search")
    page.get_by_role("button", name="Show the preview again").click()
    preview = page.get_by_role("table", name="All 2 alerts, as they will be saved")
    expect(preview).to_contain_text("Amy Parker (Oak)")
    expect(preview).to_contain_text("how to hurt myself")
    assert not FilterAlert.objects.exists()
    assert_no_axe_violations(page)
    screenshot(page, "alert-import-preview.png")
    page.get_by_role("button", name="Import 2 alerts").click()
    wait_for_path(page, "/safeguarding/alerts/")
    expect(page.get_by_role("status")).to_contain_text("2 alerts imported.")
    assert FilterAlert.objects.get(device_user="amy.p").pupil == world.amy
    assert settings_for(world.school).alert_columns["category"] == "Alert"
    # Triage one: a concern is raised from the alert.
    page.get_by_role("link", name="20 Nov 2026 10:15").click()
    page.get_by_label("Concern raised").check()
    page.get_by_label("Concern category (if raising a concern)").select_option(label="Mental health and wellbeing")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Alert triaged.")
    assert Concern.objects.get().source_type == "filter_alert"


def test_the_chronology_prints_for_a_case_conference(page: Page, world: World) -> None:
    from tests.safeguarding.builders import contact, ended_live_session_with_risk, raised_concern, vulnerable

    vulnerable(world, world.amy)
    raised_concern(world)
    contact(world, world.amy, by=world.dsl, kind="dsl")
    ended_live_session_with_risk(world, pupils=[world.amy])
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto(f"/safeguarding/pupils/{world.amy.code}/chronology")
    table = page.get_by_role("table", name="Everything on record, oldest first")
    expect(table).to_contain_text("Live session ended for a risk")
    expect(table).to_contain_text("Concern: Neglect")
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_text("Confidential: safeguarding record.")).to_be_visible()
    expect(page.get_by_text("To print for a case conference")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    screenshot(page, "chronology-print.png")


def test_the_time_to_acknowledge_report(page: Page, world: World) -> None:
    acknowledged_concern(world)
    sign_in_staff(page, world.dsl, mfa=True)
    page.goto("/safeguarding/")
    page.get_by_role("link", name="Time to acknowledge report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Time from raised to acknowledged")
    expect(page.get_by_role("table")).to_contain_text("Neglect")
    expect(page.get_by_role("table")).not_to_contain_text("Amy")
    assert_no_axe_violations(page)
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("To").fill("2026-11-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert").or_(page.locator(".errorlist"))).to_contain_text(
        "The last day cannot be before the first day."
    )
    assert_no_axe_violations(page)


def test_the_class_teacher_raises_a_concern_from_a_journal_item_page(page: Page, world: World) -> None:
    from tests.journal.builders import sent_work

    item = sent_work(world.amy, world.parent, note="My family picture.", photo=False)
    sign_in_staff(page, world.teacher)
    page.goto(f"/journal/items/{item.code}/")
    expect(page.get_by_text("My family picture.")).to_be_visible()
    page.get_by_role("link", name="Raise a safeguarding concern about Amy").click(timeout=3_000)
    wait_for_path(page, "/safeguarding/concerns/new")
    expect(page.get_by_text("Raised from: a piece of work in the journal.")).to_be_visible()
    page.get_by_label("What the concern is about").select_option(label="Online safety")
    page.get_by_label("What you saw or heard").fill("An adult we do not know is in the picture.")
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("status")).to_contain_text("safeguarding team has been told")
    assert (Concern.objects.get().source_type, Concern.objects.get().source_code) == ("journal_item", item.code)


def test_a_concern_is_raised_from_a_call_log(page: Page, world: World) -> None:
    from homelearning.journal import services as journal_services

    call = journal_services.call_request(pupil=world.amy, by=world.parent, by_label="Pat Parker", reason="Worried.")
    sign_in_staff(page, world.teacher)
    page.goto(f"/journal/calls/{call.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call about Amy")
    page.get_by_role("link", name="Raise a safeguarding concern about Amy").click(timeout=3_000)
    wait_for_path(page, "/safeguarding/concerns/new")
    expect(page.get_by_text("Raised from: a call log.")).to_be_visible()
    page.get_by_label("What the concern is about").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("Mum said there is no food in the house.")
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("status")).to_contain_text("safeguarding team has been told")
    assert (Concern.objects.get().source_type, Concern.objects.get().source_code) == ("call", call.code)
