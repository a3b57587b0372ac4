"""The roster and the register kept in step with the MIS through Wonde (issue 17), against a local Wonde that
checks every request (tests/fake_wonde.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from homelearning.core.errors import ServiceError
from homelearning.core.models import AuditEvent
from homelearning.people.models import Carer, Pupil, PupilCarer, User
from homelearning.provision.models import RegisterMark
from homelearning.roster import wonde_sync
from homelearning.roster.models import ImportBatch, MarkWriteBack, WondeSettings
from homelearning.roster.wonde import Wonde
from tests.engagement.builders import FRI, at, snow_week
from tests.fake_wonde import CODES, SCHOOL_ID, TOKEN, contact, employee, student

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _friday():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(FRI, 17), tick=False):
        yield


def linked(world, *, write_back: bool = False) -> WondeSettings:  # type: ignore[no-untyped-def]
    return wonde_sync.link_set(
        school=world.school, by=world.head, wonde_school_id=SCHOOL_ID, nightly=True, write_back=write_back
    )


def the_roll(world, wonde) -> None:  # type: ignore[no-untyped-def]
    """Wonde holds the school as Home Learning does, plus a new pupil with her mother, who reads Polish."""
    for pupil, mis in ((world.amy, "101"), (world.ben, "102"), (world.cara, "103")):
        Pupil.objects.filter(pk=pupil.pk).update(mis_id=mis)
    wonde.students = [
        student(
            "A1",
            mis_id="101",
            forename="Amy",
            legal_forename="Amelia",
            surname="Parker",
            born="2020-03-04",
            upn="T938456789012",
            group="Oak",
            contacts=[contact("C1", forename="Pat", surname="Parker", email="pat.parker@example.com")],
        ),
        student(
            "A2",
            mis_id="102",
            forename="Ben",
            surname="Parker",
            born="2019-01-20",
            group="Ash",
            year="Year 2",
            contacts=[contact("C1", forename="Pat", surname="Parker", email="pat.parker@example.com")],
        ),
        student(
            "A3",
            mis_id="103",
            forename="Cara",
            surname="Quinn",
            born="2020-06-01",
            group="Oak",
            sen="E",
            contacts=[
                contact("C2", forename="Quentin", surname="Quinn", email="q.quinn@example.com", relationship="Father")
            ],
        ),
        student(
            "A4",
            mis_id="104",
            forename="Zofia",
            surname="Nowak",
            born="2020-05-12",
            group="Oak",
            language="POL",
            contacts=[
                contact("C3", forename="Ewa", surname="Nowak", email="ewa.nowak@example.com", mobile="07700 900123")
            ],
        ),
    ]
    wonde.employees = [
        employee("E1", email="head@balfour.test", forename="Helen", surname="Hart"),
        employee("E2", email="teacher@balfour.test", forename="Tom", surname="Teal"),
    ]


class TestSync:
    def test_a_new_pupil_comes_in_with_her_carer_and_home_language(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        pupils, _ = wonde_sync.sync_preview(school=world.school, by=world.office)
        assert pupils.source == ImportBatch.Source.WONDE and pupils.can_commit, pupils.problems
        assert pupils.preview["counts"]["pupils_add"] == 1
        assert pupils.preview["counts"]["pupils_leave"] == 0
        assert not Pupil.objects.filter(surname="Nowak").exists(), "a preview writes nothing"
        from homelearning.roster import services

        services.import_commit(batch=pupils, by=world.office)
        zofia = Pupil.objects.get(surname="Nowak")
        assert (zofia.legal_first_name, zofia.school_class, zofia.mis_id) == ("Zofia", world.oak, "104")
        ewa = Carer.objects.get(email="ewa.nowak@example.com")
        assert ewa.preferred_language == "pl"
        assert ewa.user is not None and ewa.user.email == "ewa.nowak@example.com"
        assert PupilCarer.objects.get(pupil=zofia, carer=ewa).parental_responsibility
        assert wonde.refusals == []
        again = wonde_sync.sync_preview(school=world.school, by=world.office)[0]
        assert again.preview["counts"]["pupils_add"] == 0 and again.preview["counts"]["pupils_change"] == 0

    def test_every_page_is_read(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        extra = [
            student(f"B{n}", mis_id=f"9{n:03}", forename=f"Child{n}", surname="Many", born="2020-01-01", group="Oak")
            for n in range(450)
        ]
        wonde.students += extra
        pupils, _ = wonde_sync.sync_preview(school=world.school, by=world.office)
        assert pupils.preview["counts"]["pupils_add"] == 451
        student_pages = [r for r in wonde.requests if "/students" in r]
        assert len(student_pages) == 3, student_pages

    def test_a_429_is_waited_out_and_tried_again(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.throttle = 2
        waits: list[float] = []
        api = Wonde(base_url=f"{wonde.url}/v1.0", token=TOKEN, sleep=waits.append)
        pupils, _ = wonde_sync.sync_preview(school=world.school, by=world.office, api=api)
        assert pupils.preview["counts"]["pupils_add"] == 1
        assert waits == [0.0, 0.0], "Retry-After: 0, twice"

    def test_wonde_down_changes_nothing(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.fail = 99
        api = Wonde(base_url=f"{wonde.url}/v1.0", token=TOKEN, sleep=lambda _: None)
        with pytest.raises(ServiceError, match="Nothing was changed"):
            wonde_sync.sync_preview(school=world.school, by=world.office, api=api)
        assert not ImportBatch.objects.exists()
        assert "500" in WondeSettings.objects.get().last_result["error"]

    def test_a_wrong_token_is_refused_with_wondes_message(self, world, wonde, settings) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        settings.WONDE_TOKEN = "not-the-token"
        with pytest.raises(ServiceError, match="Invalid token"):
            wonde_sync.sync_preview(school=world.school, by=world.office)

    def test_no_pupils_at_all_is_refused_rather_than_marking_everyone_left(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        with pytest.raises(ServiceError, match="returned no pupils"):
            wonde_sync.sync_preview(school=world.school, by=world.office)
        assert Pupil.objects.filter(school=world.school, left_on__isnull=True).count() == 3

    def test_a_bad_upn_from_the_mis_stops_the_batch(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.students[3]["education_details"]["data"]["upn"] = "A123456789012"  # wrong check letter
        pupils, _ = wonde_sync.sync_preview(school=world.school, by=world.office)
        assert not pupils.can_commit
        assert any(p["column"] == "UPN" for p in pupils.problems)
        outcome = wonde_sync.sync_nightly(school=world.school)
        assert outcome["pupils"] == {"waiting_for_the_office": 1}
        assert not Pupil.objects.filter(surname="Nowak").exists(), "nothing half-written"

    def test_the_nightly_sync_commits_and_the_office_sees_what_changed(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.students = [s for s in wonde.students if s["id"] != "A3"]  # Cara has left
        outcome = wonde_sync.sync_nightly(school=world.school)
        assert outcome["pupils"]["pupils_added"] == 1 and outcome["pupils"]["pupils_left"] == 1
        assert Pupil.objects.get(pk=world.cara.pk).left_on == FRI
        batch = ImportBatch.objects.filter(kind="pupils", status=ImportBatch.Status.COMMITTED).get()
        assert [leaver["name"] for leaver in batch.preview["leavers"]] == ["Cara Quinn"]
        assert AuditEvent.objects.filter(action="roster.commit", target_code=batch.code).exists()


class TestLeavers:
    def test_an_employee_marked_left_in_the_mis_loses_access_at_the_next_request(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.employees[1] = employee("E2", email="teacher@balfour.test", forename="Tom", surname="Teal", current=False)
        teacher = Client()
        teacher.force_login(world.teacher)
        assert teacher.get(reverse("home")).status_code == 200
        wonde_sync.sync_nightly(school=world.school)
        assert not world.staff(world.teacher).is_active
        response = teacher.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        entry = AuditEvent.objects.get(action="staff.leave")
        assert entry.details["because"] == "mis_sync" and entry.actor_id is None

    def test_the_only_headteacher_is_never_marked_left_by_the_mis(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        the_roll(world, wonde)
        wonde.employees[0] = employee("E1", email="head@balfour.test", forename="Helen", surname="Hart", current=False)
        outcome = wonde_sync.sync_nightly(school=world.school)
        assert outcome["staff"] == {"waiting_for_the_office": 1}
        assert world.staff(world.head).is_active


class TestWriteBack:
    def closed_week(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        with time_machine.travel(at(FRI - datetime.timedelta(days=4), 8), tick=False):
            snow_week(world)
        the_roll(world, wonde)
        for pupil, mis in ((world.amy, "101"), (world.ben, "102"), (world.cara, "103")):
            Pupil.objects.filter(pk=pupil.pk).update(mis_id=mis)

    def test_remote_marks_are_written_back_with_the_right_codes(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world, write_back=True)
        self.closed_week(world, wonde)
        marks = RegisterMark.objects.filter(school=world.school).select_related("absence_code")
        assert marks.count() == 30  # three pupils, five days, two sessions
        result = wonde_sync.marks_write_back(school=world.school)
        assert result == {"sent": 30, "rejected": 0}
        sent = {(w["student_id"], w["date"], w["session"]): w["attendance_code_id"] for w in wonde.written}
        amy_monday = marks.get(pupil=world.amy, date=FRI - datetime.timedelta(days=4), session="AM")
        assert sent[("A1", amy_monday.date.isoformat(), "AM")] == CODES[amy_monday.absence_code_id]
        assert MarkWriteBack.objects.filter(status=MarkWriteBack.Status.SENT).count() == 30
        assert wonde_sync.marks_write_back(school=world.school) == {"sent": 0, "rejected": 0}, "sent once only"

    def test_a_rejected_write_is_shown_and_tried_again(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world, write_back=True)
        self.closed_week(world, wonde)
        wonde.reject_students = {"A2": "The register for this session is closed."}
        assert wonde_sync.marks_write_back(school=world.school) == {"sent": 20, "rejected": 10}
        shown = wonde_sync.rejected_marks(world.school)
        assert len(shown) == 10 and {w.mark.pupil_id for w in shown} == {world.ben.pk}
        assert shown[0].error == "The register for this session is closed."
        wonde.reject_students = {}
        assert wonde_sync.marks_write_back(school=world.school) == {"sent": 10, "rejected": 0}
        assert wonde_sync.rejected_marks(world.school) == []
        assert MarkWriteBack.objects.get(mark__pupil=world.ben, mark__date=FRI, mark__session="PM").attempts == 2
        assert len(wonde.written) == 30, "each mark reached the MIS once"

    def test_without_write_back_the_office_uses_the_register_csv(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world, write_back=False)
        self.closed_week(world, wonde)
        assert wonde_sync.marks_write_back(school=world.school) == {"mode": "csv"}
        assert wonde.written == []

    def test_wonde_unreachable_leaves_the_marks_to_send_again(self, world, wonde) -> None:  # type: ignore[no-untyped-def]
        linked(world, write_back=True)
        self.closed_week(world, wonde)
        wonde.fail = 99
        api = Wonde(base_url=f"{wonde.url}/v1.0", token=TOKEN, sleep=lambda _: None)
        assert wonde_sync.marks_write_back(school=world.school, api=api)["unsent"] == 30
        wonde.fail = 0
        assert wonde_sync.marks_write_back(school=world.school)["sent"] == 30


class TestPages:
    url = "/imports/wonde/"

    def test_the_office_links_wonde_and_syncs_now(self, world, wonde, client_for) -> None:  # type: ignore[no-untyped-def]
        the_roll(world, wonde)
        client = client_for(world.office)
        response = client.post(self.url, {"wonde_school_id": SCHOOL_ID, "nightly": "on"})
        assert response.status_code == 302
        response = client.post(reverse("roster:wonde_sync"))
        assert response.status_code == 302
        batch = ImportBatch.objects.get(kind="pupils")
        assert response["Location"] == reverse("roster:import_detail", args=[batch.code])
        page = client.get(response["Location"]).content.decode()
        assert "Zofia Nowak" in page

    def test_the_office_sees_the_marks_the_mis_refused(self, world, wonde, client_for) -> None:  # type: ignore[no-untyped-def]
        linked(world, write_back=True)
        TestWriteBack().closed_week(world, wonde)
        wonde.reject_students = {"A2": "The register for this session is closed."}
        client = client_for(world.office)
        response = client.post(reverse("roster:wonde_write_back"), follow=True)
        page = response.content.decode()
        assert "20 marks sent, 10 rejected." in page
        assert page.count("The register for this session is closed.") == 10
        assert "Ben Parker" in page

    @pytest.mark.parametrize(
        ("wonde_id", "urn", "words"),
        [
            ("A999", "100001", "could not confirm school A999"),
            ("A1930499544", "123456", "not Balfour Test Infant School"),
        ],
    )
    def test_an_id_wonde_does_not_confirm_as_this_school_is_refused(  # type: ignore[no-untyped-def]
        self, world, wonde, client_for, wonde_id, urn, words
    ) -> None:
        wonde.school_urn = urn
        response = client_for(world.office).post(self.url, {"wonde_school_id": wonde_id})
        assert response.status_code == 400
        assert words in response.content.decode()
        assert not WondeSettings.objects.exists()

    def test_a_bad_wonde_id_is_refused(self, world, wonde, client_for) -> None:  # type: ignore[no-untyped-def]
        response = client_for(world.office).post(self.url, {"wonde_school_id": "not an id!"})
        assert response.status_code == 400
        assert "Wonde ID" in response.content.decode()
        assert not WondeSettings.objects.exists()

    def test_sync_now_with_wonde_down_says_so(self, world, wonde, client_for, settings) -> None:  # type: ignore[no-untyped-def]
        linked(world)
        settings.WONDE_TOKEN = "wrong"
        client = client_for(world.office)
        response = client.post(reverse("roster:wonde_sync"), follow=True)
        assert "Invalid token" in response.content.decode()

    def test_only_the_office_and_head(self, world, wonde, client_for) -> None:  # type: ignore[no-untyped-def]
        for user in (world.teacher, world.senior, world.parent):
            assert client_for(user).get(self.url).status_code == 403
            assert client_for(user).post(reverse("roster:wonde_sync")).status_code == 403
        assert User.objects.filter(email="x").count() == 0
