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
