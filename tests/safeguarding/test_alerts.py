"""Filtering and monitoring alerts: logged by hand, imported from CSV (all or nothing), triaged."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.safeguarding import services
from homelearning.safeguarding.access import settings_for
from homelearning.safeguarding.models import Concern, FilterAlert
from tests.safeguarding import builders

GOOD = (
    "occurred_at,user,device,category,detail\n"
    "2026-11-20 10:15,amy.p,Laptop 7,Violence,blocked search\n"
    "2026-11-20 11:00,ben.p,,Adult content,\n"
)
# As a filtering provider exports it: its own column names, day-first dates, a UPN column.
PROVIDER = (
    "Date/Time,Username,Computer,Rule,URL,UPN\n"
    "20/11/2026 10:15,amy.p,Laptop 7,Violence,https://example.test/a,T938456789012\n"
    "20/11/2026 11:00:30,ben.p,Laptop 9,Adult content,https://example.test/b,\n"
)
PROVIDER_MAPPING = {
    "occurred_at": "Date/Time",
    "user": "Username",
    "device": "Computer",
    "category": "Rule",
    "detail": "URL",
    "pupil": "UPN",
}


def upload(client, content: bytes, name="alerts.csv"):
    return client.post(
        "/safeguarding/alerts/import", {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )


def confirm(
    client, text: str, mapping: dict[str, str], *, action: str = "import", remember: bool = True, dates: str = "dmy"
):
    data = {"csv_text": text, "action": action, "date_order": dates, **{f"col_{k}": v for k, v in mapping.items()}}
    if remember:
        data["remember"] = "on"
    return client.post("/safeguarding/alerts/import", data, follow=True)


def chosen(response) -> dict[str, str]:
    form = response.context["form"]
    return {name.removeprefix("col_"): form[name].value() for name in form.fields if name.startswith("col_")}


class TestUploadAndPreview:
    def test_uploading_shows_the_columns_and_a_preview_and_writes_nothing(self, world, client_for):
        response = upload(client_for(world.dsl), GOOD.encode("utf-8"))
        assert response.status_code == 200
        assert response.templates[0].name == "safeguarding/alert_import.html"
        assert chosen(response) == {
            "occurred_at": "occurred_at",
            "user": "user",
            "category": "category",
            "device": "device",
            "detail": "detail",
            "pupil": "",
        }
        page = response.content.decode()
        assert "Import 2 alerts" in page and "blocked search" in page
        assert not FilterAlert.objects.exists()
        assert AuditEvent.objects.filter(action="safeguarding.alert_import.view", actor=world.dsl).exists()

    def test_a_providers_columns_are_guessed_and_previewed(self, world, client_for):
        response = upload(client_for(world.dsl), PROVIDER.encode("utf-8"))
        assert chosen(response) == PROVIDER_MAPPING
        preview = response.context["preview"]
        assert [r.pupil for r in preview] == [world.amy, None]
        assert preview[1].occurred_at.second == 30
        assert "Amy Parker (Oak)" in response.content.decode()

    def test_columns_the_guess_misses_start_unchosen_and_the_page_says_which_to_choose(self, world, client_for):
        response = upload(client_for(world.dsl), b"Event Time,Who,What happened\n2026-11-20 10:15,amy,x\n")
        assert response.status_code == 200
        assert chosen(response)["user"] == "" and chosen(response)["category"] == ""
        page = response.content.decode()
        assert "Choose the column that holds: User (account name), Category." in page
        assert "Import 1 alert" not in page
        assert not FilterAlert.objects.exists()


class TestImport:
    def test_a_utf8_file_imports_every_row(self, world, client_for):
        mapping = {f: f for f in ("occurred_at", "user", "category", "device", "detail")}
        response = confirm(client_for(world.dsl), GOOD, mapping)
        assert "2 alerts imported." in response.content.decode()
        assert FilterAlert.objects.filter(source="csv").count() == 2
        event = AuditEvent.objects.filter(action="safeguarding.alert.import").get()
        assert event.details["rows"] == 2 and event.details["columns"] == {**mapping, "date_order": "dmy"}

    def test_a_providers_file_through_the_mapping_is_imported_with_the_child_matched(self, world, client_for):
        response = confirm(client_for(world.dsl), PROVIDER, PROVIDER_MAPPING)
        assert "2 alerts imported." in response.content.decode()
        amy = FilterAlert.objects.get(device_user="amy.p")
        assert (amy.pupil, amy.device, amy.category, amy.detail) == (
            world.amy,
            "Laptop 7",
            "Violence",
            "https://example.test/a",
        )
        assert FilterAlert.objects.get(device_user="ben.p").pupil is None

    def test_the_mapping_is_remembered_for_the_next_file(self, world, client_for):
        client = client_for(world.dsl)
        text = "Event Time,Who,What happened\n2026-11-20 10:15,amy.p,Violence\n"
        mapping = {"occurred_at": "Event Time", "user": "Who", "category": "What happened"}
        confirm(client, text, mapping)
        assert settings_for(world.school).alert_columns == {**mapping, "date_order": "dmy"}
        response = upload(client, b"Event Time,Who,What happened\n2026-11-21 09:00,ben.p,Gambling\n")
        assert chosen(response) == {**mapping, "device": "", "detail": "", "pupil": ""}
        assert "Import 1 alert" in response.content.decode()

    def test_month_first_dates_are_read_as_the_dsl_says_and_remembered(self, world, client_for):
        client = client_for(world.dsl)
        text = "occurred_at,user,category\n03/04/2026 10:15,amy.p,Violence\n11/27/2026 09:00,ben.p,Gambling\n"
        mapping = {"occurred_at": "occurred_at", "user": "user", "category": "category"}
        day_first = confirm(client, text, mapping)
        assert "Line 3: “11/27/2026 09:00” is not a date and time (expected like 27/11/2026 14:05" in (
            day_first.content.decode()
        )
        assert not FilterAlert.objects.exists()
        response = confirm(client, text, mapping, dates="mdy")
        assert "2 alerts imported." in response.content.decode()
        first = FilterAlert.objects.get(device_user="amy.p")
        assert timezone.localtime(first.occurred_at).date() == datetime.date(2026, 3, 4)
        assert settings_for(world.school).alert_columns["date_order"] == "mdy"
        again = upload(client, text.encode())
        assert again.context["form"]["date_order"].value() == "mdy"

    def test_the_date_order_must_be_one_we_know(self, world, client_for):
        response = confirm(client_for(world.dsl), PROVIDER, PROVIDER_MAPPING, dates="ymd")
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
        assert not FilterAlert.objects.exists()

    def test_not_remembering_leaves_the_saved_mapping_alone(self, world, client_for):
        confirm(client_for(world.dsl), PROVIDER, PROVIDER_MAPPING, remember=False)
        assert FilterAlert.objects.count() == 2
        assert settings_for(world.school).alert_columns == {}

    def test_the_preview_button_never_writes(self, world, client_for):
        response = confirm(client_for(world.dsl), PROVIDER, PROVIDER_MAPPING, action="preview")
        assert response.status_code == 200 and "Import 2 alerts" in response.content.decode()
        assert not FilterAlert.objects.exists()
        assert settings_for(world.school).alert_columns == {}

    def test_windows_1252_and_semicolons(self, world, client_for):
        content = "occurred_at;user;category;detail\n20/11/2026 09:00;zoë.k;Self-harm;“cut” search\n".encode("cp1252")
        client = client_for(world.dsl)
        text = upload(client, content).context["table"].text
        response = confirm(
            client, text, {"occurred_at": "occurred_at", "user": "user", "category": "category", "detail": "detail"}
        )
        assert "1 alert imported." in response.content.decode()
        alert = FilterAlert.objects.get()
        assert alert.device_user == "zoë.k" and alert.detail == "“cut” search"

    def test_a_utf8_bom_is_fine(self, world, client_for):
        response = upload(client_for(world.dsl), GOOD.encode("utf-8-sig"))
        assert chosen(response)["occurred_at"] == "occurred_at"
        assert "Import 2 alerts" in response.content.decode()

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The submitted file is empty."),
            (b"occurred_at,user,category\n", "no alerts"),
            (b"just one heading\n2026-11-20\n", "The first line must name the columns"),
            (b"when,user,When,category\n2026-11-20 10:15,amy,x,y\n", "The column “When” appears twice"),
            (b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00", "not UTF-8 or Windows-1252"),
            (b"\x00\x01\x02binary,stuff,here\n1,2,3\n", "contains binary data"),
        ],
    )
    def test_bad_files_are_refused_at_upload_clearly_and_nothing_is_written(self, world, client_for, content, message):
        response = upload(client_for(world.dsl), content)
        page = response.content.decode()
        assert response.redirect_chain == [("/safeguarding/alerts/", 302)]
        assert "Nothing was imported." in page
        assert message in page
        assert not FilterAlert.objects.exists()

    @pytest.mark.parametrize(
        ("text", "mapping", "messages"),
        [
            (GOOD, {"occurred_at": "occurred_at", "user": "user"}, ["Choose the column that holds: Category."]),
            (GOOD, {"occurred_at": "occurred_at", "user": "user", "category": "user"}, ["is chosen for both"]),
            (
                "occurred_at,user,category\n2026-11-20 10:15,amy,x\nlast tuesday,ben,y\n2026-11-20,cara,z\n",
                {"occurred_at": "occurred_at", "user": "user", "category": "category"},
                [
                    "Line 3: “last tuesday” is not a date and time",
                    "Line 4: “2026-11-20” is not a date and time",
                ],
            ),
            (
                "occurred_at,user,category\n2099-01-01 10:15,amy,x\n",
                {"occurred_at": "occurred_at", "user": "user", "category": "category"},
                ["Line 2: “2099-01-01 10:15” is in the future."],
            ),
            (
                "occurred_at,user,category\n2026-11-20 10:15,,x\n",
                {"occurred_at": "occurred_at", "user": "user", "category": "category"},
                ["Line 2: the user column is empty."],
            ),
            (
                PROVIDER.replace("T938456789012", "Zed Nobody"),
                PROVIDER_MAPPING,
                ["Line 2: no child of this school matches “Zed Nobody”"],
            ),
        ],
    )
    def test_bad_mappings_and_lines_are_refused_clearly_and_nothing_is_written(
        self, world, client_for, text, mapping, messages
    ):
        response = confirm(client_for(world.dsl), text, mapping)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nothing was imported." in page
        for message in messages:
            assert message in page
        assert not FilterAlert.objects.exists()
        assert settings_for(world.school).alert_columns == {}
        assert not AuditEvent.objects.filter(action="safeguarding.alert.import").exists()

    def test_another_schools_child_is_unknown(self, world, client_for):
        world.outsider_pupil.upn = "Z999999999999"
        world.outsider_pupil.save(update_fields=["upn"])
        text = PROVIDER.replace("T938456789012", "Z999999999999")
        response = confirm(client_for(world.dsl), text, PROVIDER_MAPPING)
        assert "no child of this school matches “Z999999999999”" in response.content.decode()
        assert not FilterAlert.objects.exists()

    def test_a_name_two_children_share_asks_for_the_upn(self, world, client_for):
        builders.second_pupil_named(world, "Cara", "Quinn")
        text = PROVIDER.replace("T938456789012", "cara  QUINN")
        response = confirm(client_for(world.dsl), text, PROVIDER_MAPPING)
        assert "more than one child is called “cara  QUINN”: use their UPN instead." in response.content.decode()
        assert not FilterAlert.objects.exists()

    def test_a_full_name_matches(self, world, client_for):
        confirm(client_for(world.dsl), PROVIDER.replace("T938456789012", "Amelia Parker"), PROVIDER_MAPPING)
        assert FilterAlert.objects.get(device_user="amy.p").pupil == world.amy

    def test_a_column_not_in_the_file_is_refused(self, world, client_for):
        mapping = {**PROVIDER_MAPPING, "category": "Invented"}
        response = confirm(client_for(world.dsl), PROVIDER, mapping)
        assert response.status_code == 400
        assert "Choose one of the file&#x27;s columns." in response.content.decode()
        assert not FilterAlert.objects.exists()

    def test_a_lost_file_text_is_refused(self, world, client_for):
        response = confirm(client_for(world.dsl), "", PROVIDER_MAPPING)
        assert "Nothing was imported. The file is empty. Choose the file again." in response.content.decode()
        assert not FilterAlert.objects.exists()

    def test_another_schools_dsl_imports_into_their_own_school_only(self, world, client_for):
        response = confirm(client_for(world.outsider_head), GOOD, {f: f for f in ("occurred_at", "user", "category")})
        assert "2 alerts imported." in response.content.decode()
        assert set(FilterAlert.objects.values_list("school", flat=True)) == {world.other_school.pk}
        assert settings_for(world.school).alert_columns == {}

    def test_only_the_dsl_team_imports(self, world, client_for):
        assert client_for(world.teacher).post("/safeguarding/alerts/import").status_code == 403
        response = client_for(world.teacher).post("/safeguarding/alerts/import", {"csv_text": GOOD, "action": "import"})
        assert response.status_code == 403
        assert not FilterAlert.objects.exists()


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
