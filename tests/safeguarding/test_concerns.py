"""Raising concerns (staff and carers), telling the DSL team, acknowledging, entries, closing; nothing rewritten."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.safeguarding import services
from homelearning.safeguarding.models import AppendOnlyError, Concern, ConcernEntry, ConcernPupil
from tests.safeguarding import builders

DETAIL = "no food at home"


def form_data(world, **overrides):
    data = {
        "pupils": [world.amy.code, world.cara.code],
        "category": builders.category().pk,
        "seen_or_heard": f"Amy said there was {DETAIL} all weekend.",
        "happened_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "action_taken": "Gave Amy breakfast.",
    }
    data.update(overrides)
    return data


class TestRaiseByStaff:
    def test_a_teacher_raises_a_concern_and_the_dsl_team_is_emailed_without_details(self, world, client_for):
        response = client_for(world.teacher).post("/safeguarding/concerns/new", form_data(world))
        concern = Concern.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/safeguarding/concerns/{concern.code}/"
        assert {p.pk for p in concern.pupils.all()} == {world.amy.pk, world.cara.pk}
        assert concern.raised_by == world.teacher and concern.status == Concern.Status.RAISED
        emails = OutboundEmail.objects.filter(kind="safeguarding.concern_raised")
        # world.head (head + DSL) and world.dsl (deputy); the head setting is on by default.
        assert sorted(e.to for e in emails) == ["dsl@balfour.test", "head@balfour.test"]
        for email in emails:
            text = email.subject + email.body_text
            assert DETAIL not in text and "Amy" not in text and "Parker" not in text and "Neglect" not in text
            assert "open Home Learning" in text
        assert AuditEvent.objects.filter(action="safeguarding.concern.raise", actor=world.teacher).count() == 1

    def test_the_pupil_page_links_to_the_form_with_the_child_chosen(self, world, client_for):
        client = client_for(world.teacher)
        page = client.get(f"/pupils/{world.amy.code}/").content.decode()
        link = f"/safeguarding/concerns/new?pupil={world.amy.code}"
        assert link in page
        form = client.get(link).context["form"]
        assert [p.pk for p in form.initial["pupils"]] == [world.amy.pk]

    def test_a_source_is_kept(self, world, client_for):
        client_for(world.teacher).post(
            "/safeguarding/concerns/new", form_data(world, source_type="journal_item", source_code="abc123")
        )
        concern = Concern.objects.get()
        assert (concern.source_type, concern.source_code) == ("journal_item", "abc123")

    def test_the_form_says_where_it_was_raised_from(self, world, client_for):
        page = client_for(world.teacher).get(
            f"/safeguarding/concerns/new?pupil={world.amy.code}&source_type=call&source_code=c1"
        )
        assert "Raised from: a call log." in page.content.decode()
        assert page.context["form"]["source_code"].value() == "c1"

    def test_raise_concern_service_for_other_apps(self, world):
        concern = builders.raised_concern(world, source_type="live_session", source_code="sess1")
        assert concern.source_type == "live_session"
        assert OutboundEmail.objects.filter(kind="safeguarding.concern_raised").count() == 2

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"pupils": []}, "Choose at least one child."),
            ({"seen_or_heard": ""}, "Say what you saw or heard."),
            ({"happened_at": ""}, "Say when it happened."),
            ({"happened_at": "yesterday-ish"}, "Enter a valid date/time."),
            ({"happened_at": "2099-01-01T10:00"}, "This cannot be in the future."),
            ({"category": ""}, "Choose what the concern is about."),
            ({"category": "99999"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_is_refused_clearly_and_nothing_is_written(self, world, client_for, overrides, message):
        response = client_for(world.teacher).post("/safeguarding/concerns/new", form_data(world, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Concern.objects.exists()
        assert not OutboundEmail.objects.exists()

    def test_another_schools_pupil_cannot_be_named(self, world, client_for):
        response = client_for(world.teacher).post(
            "/safeguarding/concerns/new", form_data(world, pupils=[world.outsider_pupil.code])
        )
        assert "Select a valid choice" in response.content.decode()
        assert not Concern.objects.exists()

    def test_service_refuses_pupils_of_another_school(self, world):
        with pytest.raises(ServiceError):
            builders.raised_concern(world, pupils=[world.outsider_pupil])
        assert not Concern.objects.exists()


class TestRaiseByCarer:
    def test_a_parent_reports_a_worry_about_their_own_child(self, world, client_for):
        response = client_for(world.parent).post(
            "/safeguarding/report",
            {
                "pupils": [world.ben.code],
                "seen_or_heard": "Ben was contacted by a stranger in a game.",
                "happened_at": "2026-11-01T18:00",
            },
        )
        assert response.status_code == 200
        assert "has been told" in response.content.decode()
        concern = Concern.objects.get()
        assert concern.raised_as == Concern.RaisedAs.CARER
        assert concern.category.slug == "family-report"
        assert concern.raised_by_label == "Pat Parker"
        assert OutboundEmail.objects.filter(kind="safeguarding.concern_raised").count() == 2

    def test_the_form_offers_only_their_children_by_first_name(self, world, client_for):
        page = client_for(world.parent).get("/safeguarding/report").content.decode()
        assert "Amy" in page and "Ben" in page
        assert "Cara" not in page and "Amelia" not in page

    def test_another_familys_child_is_refused(self, world, client_for):
        response = client_for(world.parent).post(
            "/safeguarding/report",
            {"pupils": [world.cara.code], "seen_or_heard": "x", "happened_at": "2026-11-01T18:00"},
        )
        assert "Select a valid choice" in response.content.decode()
        assert not Concern.objects.exists()

    def test_empty_report_is_refused(self, world, client_for):
        response = client_for(world.parent).post("/safeguarding/report", {})
        page = response.content.decode()
        assert "Choose at least one of your children." in page and "Tell us what is worrying you." in page
        assert not Concern.objects.exists()

    def test_parent_cannot_see_concerns(self, world, client_for):
        concern = builders.raised_concern(world)
        assert client_for(world.parent).get(f"/safeguarding/concerns/{concern.code}/").status_code == 403


class TestAcknowledge:
    def test_the_dsl_acknowledges_and_the_wait_is_stored_and_shown(self, world, client_for):
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
            concern = builders.raised_concern(world)
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 42, tzinfo=datetime.UTC), tick=False):
            client = client_for(world.dsl)
            response = client.post(f"/safeguarding/concerns/{concern.code}/acknowledge")
            assert response.status_code == 302
            concern.refresh_from_db()
            assert concern.status == Concern.Status.ACKNOWLEDGED
            assert concern.time_to_acknowledge == datetime.timedelta(minutes=42)
            page = client.get(f"/safeguarding/concerns/{concern.code}/").content.decode()
            assert "42\xa0minutes after it was raised" in page
            dashboard = client.get("/safeguarding/")
            assert dashboard.context["stats"].median == datetime.timedelta(minutes=42)
            assert "42 min" in dashboard.content.decode()
            listing = client.get("/safeguarding/concerns/").content.decode()
            assert "After 42\xa0minutes" in listing

    def test_acknowledging_twice_is_a_conflict(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        with pytest.raises(InvalidTransition):
            services.concern_acknowledge(concern=concern, by=world.head)
        response = client_for(world.head).post(f"/safeguarding/concerns/{concern.code}/acknowledge", follow=True)
        assert "already been acknowledged" in response.content.decode()
        concern.refresh_from_db()
        assert concern.acknowledged_by == world.dsl


class TestEntries:
    def test_actions_decisions_and_outcome(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        client = client_for(world.dsl)
        url = f"/safeguarding/concerns/{concern.code}/entries"
        assert client.post(url, {"kind": "action", "text": "Phoned mum."}).status_code == 302
        assert (
            client.post(
                url, {"kind": "decision", "text": "Refer to early help.", "reason": "Needs met below threshold."}
            ).status_code
            == 302
        )
        response = client.post(f"/safeguarding/concerns/{concern.code}/close", {"outcome": "Early help in place."})
        assert response.status_code == 302
        concern.refresh_from_db()
        assert concern.status == Concern.Status.CLOSED and concern.closed_by == world.dsl
        kinds = list(ConcernEntry.objects.filter(concern=concern).values_list("kind", flat=True))
        assert kinds == ["action", "decision", "outcome"]

    def test_a_decision_needs_reasons(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        response = client_for(world.dsl).post(
            f"/safeguarding/concerns/{concern.code}/entries", {"kind": "decision", "text": "No further action."}
        )
        assert response.status_code == 400
        assert "Record the reasons for the decision." in response.content.decode()
        assert not ConcernEntry.objects.exists()

    def test_bad_kind_and_empty_text(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        url = f"/safeguarding/concerns/{concern.code}/entries"
        response = client_for(world.dsl).post(url, {"kind": "edit", "text": ""})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not ConcernEntry.objects.exists()

    def test_a_correction_points_at_what_it_corrects(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        wrong = services.concern_entry_add(
            concern=concern, by=world.dsl, by_label="Dana Dale", kind="action", text="Phoned dad."
        )
        response = client_for(world.dsl).post(
            f"/safeguarding/concerns/{concern.code}/entries",
            {"kind": "correction", "text": "It was mum, not dad.", "corrects": wrong.code},
        )
        assert response.status_code == 302
        correction = ConcernEntry.objects.get(kind="correction")
        assert correction.corrects == wrong
        wrong.refresh_from_db()
        assert wrong.text == "Phoned dad.", "the original stays as it was"

    def test_a_correction_must_name_an_entry_of_the_same_concern(self, world, client_for):
        concern = builders.acknowledged_concern(world)
        other = builders.acknowledged_concern(world)
        elsewhere = services.concern_entry_add(concern=other, by=world.dsl, by_label="D", kind="note", text="x")
        response = client_for(world.dsl).post(
            f"/safeguarding/concerns/{concern.code}/entries",
            {"kind": "correction", "text": "y", "corrects": elsewhere.code},
        )
        assert response.status_code == 400
        assert not ConcernEntry.objects.filter(concern=concern).exists()
        response = client_for(world.dsl).post(
            f"/safeguarding/concerns/{concern.code}/entries", {"kind": "correction", "text": "y"}
        )
        assert "Choose the entry this corrects." in response.content.decode()

    def test_closing_needs_an_outcome_and_an_acknowledgement(self, world, client_for):
        concern = builders.raised_concern(world)
        client = client_for(world.dsl)
        response = client.post(f"/safeguarding/concerns/{concern.code}/close", {"outcome": ""}, follow=True)
        assert "Record the outcome" in response.content.decode()
        response = client.post(f"/safeguarding/concerns/{concern.code}/close", {"outcome": "Done"}, follow=True)
        assert "Only an acknowledged, open concern can be closed." in response.content.decode()
        concern.refresh_from_db()
        assert concern.status == Concern.Status.RAISED
        assert not ConcernEntry.objects.exists()

    def test_the_raiser_cannot_add_entries(self, world, client_for):
        concern = builders.raised_concern(world)
        response = client_for(world.teacher).post(
            f"/safeguarding/concerns/{concern.code}/entries", {"kind": "note", "text": "x"}
        )
        assert response.status_code == 403


class TestAppendOnly:
    def test_a_concern_cannot_be_edited_or_deleted(self, world):
        concern = builders.raised_concern(world)
        concern.seen_or_heard = "Something else"
        with pytest.raises(AppendOnlyError):
            concern.save()
        with pytest.raises(AppendOnlyError):
            concern.delete()
        with pytest.raises(AppendOnlyError):
            Concern.objects.filter(pk=concern.pk).update(seen_or_heard="rewritten")
        with pytest.raises(AppendOnlyError):
            Concern.objects.filter(pk=concern.pk).delete()
        with pytest.raises(AppendOnlyError):
            ConcernPupil.objects.filter(concern=concern).delete()
        assert Concern.objects.get().seen_or_heard.startswith("Amy said")

    def test_an_entry_cannot_be_edited_or_deleted(self, world):
        concern = builders.acknowledged_concern(world)
        entry = services.concern_entry_add(concern=concern, by=world.dsl, by_label="D", kind="note", text="x")
        entry.text = "y"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            ConcernEntry.objects.filter(pk=entry.pk).update(text="y")
        with pytest.raises(AppendOnlyError):
            ConcernEntry.objects.all().delete()

    def test_there_is_no_edit_or_delete_page(self, world, client_for):
        concern = builders.raised_concern(world)
        client = client_for(world.dsl)
        for suffix in ("edit", "delete", "update"):
            assert client.post(f"/safeguarding/concerns/{concern.code}/{suffix}").status_code == 404
        assert Concern.objects.count() == 1
