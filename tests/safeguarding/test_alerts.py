"""Filtering and monitoring alerts: logged by hand, imported from CSV (all or nothing), triaged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.safeguarding import services
from homelearning.safeguarding.models import Concern, FilterAlert
from tests.safeguarding import builders

GOOD = (
    "occurred_at,user,device,category,detail\n"
    "2026-11-20 10:15,amy.p,Laptop 7,Violence,blocked search\n"
    "2026-11-20 11:00,ben.p,,Adult content,\n"
)


def upload(client, content: bytes, name="alerts.csv"):
    return client.post(
        "/safeguarding/alerts/import", {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )


class TestImport:
    def test_a_utf8_file_imports_every_row(self, world, client_for):
        response = upload(client_for(world.dsl), GOOD.encode("utf-8"))
        assert "2 alerts imported." in response.content.decode()
        assert FilterAlert.objects.filter(source="csv").count() == 2
        assert AuditEvent.objects.filter(action="safeguarding.alert.import").get().details == {"rows": 2}

    def test_windows_1252_and_semicolons(self, world, client_for):
        content = "occurred_at;user;category;detail\n20/11/2026 09:00;zoë.k;Self-harm;“cut” search\n".encode("cp1252")
        response = upload(client_for(world.dsl), content)
        assert "1 alert imported." in response.content.decode()
        alert = FilterAlert.objects.get()
        assert alert.device_user == "zoë.k" and alert.detail == "“cut” search"

    def test_a_utf8_bom_is_fine(self, world, client_for):
        response = upload(client_for(world.dsl), GOOD.encode("utf-8-sig"))
        assert "2 alerts imported." in response.content.decode()

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"when,who,what\n2026-11-20 10:15,amy,x\n", "missing the columns occurred_at, user, category"),
            (b"occurred_at,user\n2026-11-20 10:15,amy\n", "missing the column category"),
            (b"", "The submitted file is empty."),
            (b"occurred_at,user,category\n", "no alerts"),
            (
                b"occurred_at,user,category\n2026-11-20 10:15,amy,x\nlast tuesday,ben,y\n",
                "Line 3: “last tuesday” is not a date and time",
            ),
            (b"occurred_at,user,category\n2026-11-20 10:15,,x\n", "Line 2: the user column is empty."),
            (b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00", "not UTF-8 or Windows-1252"),
        ],
    )
    def test_bad_files_are_refused_clearly_and_nothing_is_written(self, world, client_for, content, message):
        response = upload(client_for(world.dsl), content)
        page = response.content.decode()
        assert "Nothing was imported." in page
        assert message in page
        assert not FilterAlert.objects.exists()

    def test_only_the_dsl_team_imports(self, world, client_for):
        assert client_for(world.teacher).post("/safeguarding/alerts/import").status_code == 403


class TestLogByHand:
    def test_the_dsl_logs_an_alert(self, world, client_for):
        response = client_for(world.dsl).post(
            "/safeguarding/alerts/",
            {
                "occurred_at": "2026-11-20T10:15",
                "device_user": "amy.p",
                "device": "Laptop 7",
                "category": "Violence",
                "detail": "",
                "pupil": world.amy.code,
            },
        )
        assert response.status_code == 302
        alert = FilterAlert.objects.get()
        assert alert.pupil == world.amy and alert.source == FilterAlert.Source.HAND

    def test_bad_input(self, world, client_for):
        response = client_for(world.dsl).post(
            "/safeguarding/alerts/",
            {"occurred_at": "", "device_user": "", "category": "", "pupil": world.outsider_pupil.code},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Say when." in page and "This field is required." in page and "Select a valid choice" in page
        assert not FilterAlert.objects.exists()


class TestTriage:
    def test_no_action(self, world, client_for):
        alert = builders.new_alert(world)
        response = client_for(world.dsl).post(
            f"/safeguarding/alerts/{alert.code}/", {"triage": "no_action", "note": "Research for topic work."}
        )
        assert response.status_code == 302
        alert.refresh_from_db()
        assert alert.triage == "no_action" and alert.triaged_by == world.dsl and alert.concern is None

    def test_concern_raised_creates_a_concern_with_the_alert_as_source(self, world, client_for):
        alert = builders.new_alert(world)
        response = client_for(world.dsl).post(
            f"/safeguarding/alerts/{alert.code}/",
            {"triage": "concern", "category": "online", "pupils": [world.amy.code], "note": "Spoke to Amy."},
        )
        assert response.status_code == 302
        alert.refresh_from_db()
        concern = Concern.objects.get()
        assert alert.triage == "concern" and alert.concern == concern
        assert (concern.source_type, concern.source_code) == ("filter_alert", alert.code)
        assert concern.category.slug == "online"
        assert OutboundEmail.objects.filter(kind="safeguarding.concern_raised").count() == 2

    def test_a_concern_needs_a_category_and_children(self, world, client_for):
        alert = builders.new_alert(world)
        response = client_for(world.dsl).post(f"/safeguarding/alerts/{alert.code}/", {"triage": "concern"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Choose the concern&#x27;s category." in page and "Choose the child or children" in page
        assert not Concern.objects.exists()
        alert.refresh_from_db()
        assert alert.triage == "new"

    def test_triaging_twice_is_refused_and_leaves_no_concern(self, world):
        alert = builders.new_alert(world)
        services.alert_triage(alert=alert, by=world.dsl, by_label="D", triage="spoken_to")
        with pytest.raises(InvalidTransition):
            services.alert_triage(
                alert=alert,
                by=world.head,
                by_label="H",
                triage="concern",
                category=builders.category(),
                pupils=[world.amy],
            )
        assert not Concern.objects.exists()

    def test_an_unknown_outcome_is_refused(self, world, client_for):
        alert = builders.new_alert(world)
        with pytest.raises(ServiceError):
            services.alert_triage(alert=alert, by=world.dsl, by_label="D", triage="new")
        response = client_for(world.dsl).post(f"/safeguarding/alerts/{alert.code}/", {"triage": "ignore"})
        assert response.status_code == 400

    def test_list_filters_by_triage(self, world, client_for):
        builders.new_alert(world)
        done = builders.new_alert(world)
        services.alert_triage(alert=done, by=world.dsl, by_label="D", triage="no_action")
        client = client_for(world.dsl)
        assert len(client.get("/safeguarding/alerts/?triage=new").context["alerts"]) == 1
        assert len(client.get("/safeguarding/alerts/").context["alerts"]) == 2
