"""The chronology: everything in time order, printable, behind a recent authenticator code."""

from __future__ import annotations

import datetime

import pyotp
import time_machine
from django.utils import timezone

from homelearning.core.models import AuditEvent
from homelearning.safeguarding import services
from tests.personas import TOTP_SECRET
from tests.safeguarding import builders


def url(world):
    return f"/safeguarding/pupils/{world.amy.code}/chronology"


class TestMfa:
    def test_without_a_recent_code_the_dsl_is_sent_to_confirm_one(self, world, client_for):
        response = client_for(world.dsl).get(url(world))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")
        assert not AuditEvent.objects.filter(action="safeguarding.chronology.view").exists()

    def test_a_code_older_than_15_minutes_is_not_enough(self, world, client_for):
        client = client_for(world.dsl)
        builders.confirm_mfa(client, world.dsl, seconds_ago=16 * 60)
        assert client.get(url(world)).status_code == 302
        builders.confirm_mfa(client, world.dsl, seconds_ago=14 * 60)
        assert client.get(url(world)).status_code == 200

    def test_entering_the_code_on_allauths_page_opens_the_chronology(self, world, client_for):
        client = client_for(world.dsl)
        response = client.get(url(world), follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/2fa/reauthenticate/")
        code = pyotp.TOTP(TOTP_SECRET).now()
        response = client.post(f"/accounts/2fa/reauthenticate/?next={url(world)}", {"code": code, "next": url(world)})
        assert response.status_code == 302 and response["Location"] == url(world)
        page = client.get(url(world))
        assert page.status_code == 200
        assert AuditEvent.objects.filter(action="safeguarding.chronology.view", actor=world.dsl).count() == 1

    def test_a_head_without_an_authenticator_must_set_one_up_first(self, world, client_for):
        head = builders.head_only(world)
        response = client_for(head).get(url(world))
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]


class TestContent:
    def test_everything_in_time_order_and_printable(self, world, client_for):
        base = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
        with time_machine.travel(base, tick=False):
            builders.vulnerable(world, world.amy, since=datetime.date(2026, 10, 1))
        with time_machine.travel(base + datetime.timedelta(days=1), tick=False):
            concern = builders.raised_concern(world)
        with time_machine.travel(base + datetime.timedelta(days=1, hours=1), tick=False):
            services.concern_acknowledge(concern=concern, by=world.dsl)
            services.concern_entry_add(
                concern=concern,
                by=world.dsl,
                by_label="Dana Dale",
                kind="decision",
                text="Early help.",
                reason="Below threshold.",
            )
        with time_machine.travel(base + datetime.timedelta(days=2), tick=False):
            builders.contact(world, world.amy, by=world.dsl, kind="dsl", at=timezone.now())
            builders.new_alert(world)
        # Another child's concern is not in Amy's chronology.
        builders.raised_concern(world, pupils=[world.ben])
        client = client_for(world.dsl)
        builders.confirm_mfa(client, world.dsl)
        response = client.get(url(world))
        kinds = [i.kind for i in response.context["items"]]
        assert kinds == ["vulnerable", "concern", "acknowledged", "decision", "alert", "contact"]
        page = response.content.decode()
        assert "Below threshold." in page
        assert "safeguarding/chronology.css" in page
        assert "Amelia Parker" in page, "the legal name, for a case conference"

    def test_print_stylesheet_hides_navigation(self):
        from pathlib import Path

        css = (
            Path(__file__).resolve().parents[2] / "homelearning/safeguarding/static/safeguarding/chronology.css"
        ).read_text()
        assert "@media print" in css and ".site-header" in css

    def test_another_schools_pupil_is_404(self, world, client_for):
        client = client_for(world.dsl)
        builders.confirm_mfa(client, world.dsl)
        assert client.get(f"/safeguarding/pupils/{world.outsider_pupil.code}/chronology").status_code == 404


def test_a_contact_links_to_the_concern_raised_from_it(world, client_for):
    builders.vulnerable(world, world.amy)
    contact = builders.contact(world, world.amy, by=world.dsl, kind="dsl")
    concern = builders.raised_concern(world, source_type="contact", source_code=contact.code)
    client = client_for(world.dsl)
    builders.confirm_mfa(client, world.dsl)
    items = client.get(url(world)).context["items"]
    contact_item = next(i for i in items if i.kind == "contact")
    assert contact_item.concern == concern
    assert "A concern was raised from this contact" in contact_item.extra


class TestFromOtherApps:
    def test_a_live_session_ended_for_a_risk_is_in_the_invited_childs_chronology(self, world, client_for):
        session = builders.ended_live_session_with_risk(world, pupils=[world.amy])
        builders.ended_live_session_with_risk(world, pupils=[world.cara], reason="Cara's session only.")
        client = client_for(world.dsl)
        builders.confirm_mfa(client, world.dsl)
        items = client.get(url(world)).context["items"]
        incidents = [i for i in items if i.kind == "live_incident"]
        assert len(incidents) == 1
        assert incidents[0].title == f"Live session ended for a risk: {session.title}"
        assert incidents[0].text == "A stranger spoke in the room."
        assert incidents[0].by == "Tom Teal"
        assert "The child's invitation: admitted" in incidents[0].extra

    def test_an_escalation_from_journal_moderation_is_in_the_chronology_and_links_back(self, world, client_for):
        from homelearning.journal import services as journal_services
        from tests.journal.builders import sent_work

        item = sent_work(world.amy, world.parent, photo=False)
        concern = journal_services.item_escalate(
            item=item, by=world.senior, by_label="Sam Stone", category=builders.category("online"), what="A drawing."
        )
        client = client_for(world.dsl)
        builders.confirm_mfa(client, world.dsl)
        items = client.get(url(world)).context["items"]
        raised = next(i for i in items if i.kind == "concern")
        assert raised.concern == concern
        assert "Raised from: a piece of work in the journal" in raised.extra
        page = client.get(f"/safeguarding/concerns/{concern.code}/").content.decode()
        assert f'<a href="/journal/items/{item.code}/">A piece of work in the journal</a>' in page

    def test_a_concern_from_a_live_session_links_to_it(self, world, client_for):
        session = builders.ended_live_session_with_risk(world, pupils=[world.amy])
        concern = builders.raised_concern(world, source_type="live_session", source_code=session.code)
        page = client_for(world.dsl).get(f"/safeguarding/concerns/{concern.code}/").content.decode()
        assert f'<a href="/live/sessions/{session.code}/">A live session</a>' in page

    def test_an_unknown_source_is_shown_as_text(self, world, client_for):
        concern = builders.raised_concern(world, source_type="something_else", source_code="abc")
        page = client_for(world.dsl).get(f"/safeguarding/concerns/{concern.code}/").content.decode()
        assert "<dd>Something else</dd>" in page


def test_a_concern_from_a_call_log_links_to_the_call(world, client_for):
    concern = builders.raised_concern(world, source_type="call", source_code="call-code-1")
    page = client_for(world.dsl).get(f"/safeguarding/concerns/{concern.code}/").content.decode()
    assert '<a href="/journal/calls/call-code-1/">A call log</a>' in page


def test_the_chronologys_queries_do_not_grow_with_the_record(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homelearning.safeguarding import selectors

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.chronology(world.amy)
        return len(queries)

    builders.vulnerable(world, world.amy)
    builders.acknowledged_concern(world)
    builders.contact(world, world.amy, by=world.dsl, kind="dsl")
    builders.new_alert(world)
    builders.ended_live_session_with_risk(world, pupils=[world.amy])
    small = count()
    for _ in range(4):
        concern = builders.acknowledged_concern(world)
        services.concern_entry_add(concern=concern, by=world.dsl, by_label="D", kind="action", text="Rang home.")
        builders.contact(world, world.amy, by=world.dsl, kind="dsl")
        builders.new_alert(world)
        builders.ended_live_session_with_risk(world, pupils=[world.amy])
    assert count() == small
