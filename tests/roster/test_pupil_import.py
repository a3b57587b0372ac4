"""CSV import of pupils and their carers: preview, commit, repeat, leavers."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.errors import InvalidTransition
from homelearning.core.models import AuditEvent
from homelearning.people.models import Carer, Pupil, PupilCarer, SchoolClass
from homelearning.roster import services
from homelearning.roster.models import ColumnMapping, ImportBatch
from tests.roster.builders import committed, previewed, problems_of, sample

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


def test_preview_recognises_sims_columns_and_lists_adds_changes_leavers(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.preview["columns"]["legal_first_name"] == "Legal Forename"
    assert batch.preview["columns"]["class_name"] == "Reg Group"
    assert batch.preview["columns"]["mis_id"] == "Adno"
    assert batch.problems == []
    counts = batch.preview["counts"]
    assert counts["pupils_add"] == 3
    assert counts["pupils_change"] == 1  # Amy gains her MIS id
    assert counts["pupils_leave"] == 2  # Ben and Cara are not in the file
    assert counts["classes_add"] == 1
    assert counts["carers_add"] == 3
    assert {a["name"] for a in batch.preview["adds"]} == {"Zoë Åberg", "Noah Brown", "Shiv O'Neill"}
    assert batch.preview["changes"][0]["fields"] == [{"field": "MIS id", "old": "", "new": "001"}]
    assert {leaver["name"] for leaver in batch.preview["leavers"]} == {"Ben Parker", "Cara Quinn"}
    # Preview writes nothing to the roll.
    assert Pupil.objects.filter(school=world.school).count() == 3


def test_commit_applies_everything_and_marks_leavers_without_deleting(world) -> None:  # type: ignore[no-untyped-def]
    batch = committed(world.office, sample("pupils_sims.csv"))
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.table == {}  # the file's rows are not kept once applied
    zoe = Pupil.objects.get(upn="X938200125001")
    assert (zoe.legal_first_name, zoe.surname, zoe.date_of_birth) == ("Zoë", "Åberg", datetime.date(2021, 9, 15))
    assert zoe.school_class.name == "Hazel"
    assert zoe.school_class.year_group.name == "Reception"
    shiv = Pupil.objects.get(upn="L938200124001")
    assert shiv.preferred_first_name == "Shiv"
    assert shiv.school_class == world.oak
    assert Pupil.objects.get(upn="L938200125002").send_status == Pupil.Send.SEN_SUPPORT
    world.ben.refresh_from_db()
    world.cara.refresh_from_db()
    assert world.ben.left_on == datetime.date(2026, 11, 30)
    assert world.cara.left_on == datetime.date(2026, 11, 30)
    links = PupilCarer.objects.filter(pupil=zoe).select_related("carer").order_by("priority")
    assert [(link.carer.first_name, link.is_primary, link.relationship) for link in links] == [
        ("Maria", True, "mother"),
        ("Lars", False, "father"),
    ]
    maria = Carer.objects.get(email="maria.aberg@example.com")
    assert maria.user is not None and maria.user.email == "maria.aberg@example.com"
    gran = PupilCarer.objects.get(pupil=shiv)
    assert gran.relationship == "grandparent" and gran.parental_responsibility is False
    world.amy.refresh_from_db()
    assert world.amy.mis_id == "001"
    event = AuditEvent.objects.get(action="roster.commit")
    assert event.details["counts"]["pupils_added"] == 3
    assert "Zoë" not in str(event.details)  # counts, not content


def test_importing_the_same_file_twice_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    committed(world.office, sample("pupils_sims.csv"))
    snapshot = (
        list(Pupil.objects.order_by("pk").values()),
        list(Carer.objects.order_by("pk").values()),
        list(PupilCarer.objects.order_by("pk").values()),
        list(SchoolClass.objects.order_by("pk").values()),
    )
    again = previewed(world.office, sample("pupils_sims.csv"))
    counts = again.preview["counts"]
    assert counts["pupils_add"] == counts["pupils_change"] == counts["pupils_leave"] == 0
    assert counts["carers_add"] == counts["carers_change"] == counts["links_add"] == counts["links_change"] == 0
    assert counts["pupils_unchanged"] == 4
    services.import_commit(batch=again, by=world.office)
    assert snapshot == (
        list(Pupil.objects.order_by("pk").values()),
        list(Carer.objects.order_by("pk").values()),
        list(PupilCarer.objects.order_by("pk").values()),
        list(SchoolClass.objects.order_by("pk").values()),
    )


def test_partial_import_marks_nobody_as_left(world) -> None:  # type: ignore[no-untyped-def]
    batch = committed(world.office, sample("pupils_sims.csv"), full=False)
    assert batch.preview["counts"]["pupils_leave"] == 0
    world.ben.refresh_from_db()
    assert world.ben.left_on is None


def test_a_leaver_in_a_later_file_comes_back_on_roll(world) -> None:  # type: ignore[no-untyped-def]
    Pupil.objects.filter(pk=world.amy.pk).update(left_on=datetime.date(2026, 7, 20))
    batch = previewed(world.office, sample("pupils_sims.csv"), full=False)
    fields = batch.preview["changes"][0]["fields"]
    assert {"field": "Left on", "old": "2026-07-20", "new": "back on roll"} in fields
    services.import_commit(batch=batch, by=world.office)
    world.amy.refresh_from_db()
    assert world.amy.left_on is None


def test_commit_happens_once_only(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"))
    services.import_commit(batch=batch, by=world.office)
    with pytest.raises(InvalidTransition):
        services.import_commit(batch=batch, by=world.office)
    assert Pupil.objects.filter(upn="X938200125001").count() == 1
    assert AuditEvent.objects.filter(action="roster.commit").count() == 1


def test_a_file_with_problems_cannot_be_committed_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_bad.csv"))
    assert not batch.can_commit
    before = Pupil.objects.count()
    with pytest.raises(services.ServiceError):
        services.import_commit(batch=batch, by=world.office)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert Pupil.objects.count() == before
    assert not SchoolClass.objects.filter(name="Maple").exists()


def test_every_bad_value_is_named_by_row_and_column(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_bad.csv"))
    found = problems_of(batch)
    rows_columns = {(row, column) for row, column, _ in found}
    assert (3, "UPN") in rows_columns  # the same UPN with a different name
    assert (4, "UPN") in rows_columns  # wrong check letter
    assert (5, "Date of birth") in rows_columns  # 31 February
    assert (6, "Registration group") in rows_columns  # no such class, no year group
    assert (7, "UPN") in rows_columns  # a carer row for a pupil who is nowhere
    messages = " ".join(message for _, _, message in found)
    assert "wrong check letter" in messages
    assert "'31/02/2021' is not a real date" in messages
    assert "a UPN belongs to one pupil only" in messages


def test_a_change_to_the_roll_after_preview_is_caught_at_commit(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"), full=False)
    # Someone gives another pupil Zoë's UPN between preview and commit.
    Pupil.objects.filter(pk=world.cara.pk).update(upn="X938200125001", mis_id="777")
    services.import_commit(batch=batch, by=world.office)
    # Matched by UPN now: Cara's record is renamed, not a duplicate created; still one pupil per UPN.
    assert Pupil.objects.filter(upn="X938200125001").count() == 1


def test_missing_required_columns_are_named(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, b"Name,Class\nZoe Aberg,Oak\n")
    found = problems_of(batch)
    assert (None, "Legal forename", "No column is chosen for Legal forename.") in found
    assert (None, "Date of birth", "No column is chosen for Date of birth.") in found
    assert any("UPN or the MIS id" in message for _, _, message in found)


def test_choosing_columns_saves_them_for_the_school_and_previews_again(world) -> None:  # type: ignore[no-untyped-def]
    data = b"Pupil Number,Given,Family,Born,Form\nX938200125001,Zoe,Aberg,15/09/2021,Oak\n"
    batch = previewed(world.office, data)
    assert batch.problems
    batch = services.import_columns_set(
        batch=batch,
        by=world.office,
        columns={
            "upn": "Pupil Number",
            "legal_first_name": "Given",
            "surname": "Family",
            "date_of_birth": "Born",
            "class_name": "Form",
        },
    )
    assert batch.problems == []
    assert batch.preview["counts"]["pupils_add"] == 1
    assert ColumnMapping.objects.get(school=world.school, kind="pupils").columns["legal_first_name"] == "Given"
    # The next file with the same headings is mapped without asking.
    again = previewed(world.office, data)
    assert again.problems == []


def test_bad_column_choices_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"))
    with pytest.raises(services.ServiceError, match="no column called"):
        services.import_columns_set(batch=batch, by=world.office, columns={"upn": "Nope"})
    with pytest.raises(services.ServiceError, match="one field only"):
        services.import_columns_set(batch=batch, by=world.office, columns={"upn": "UPN", "mis_id": "UPN"})
    assert not ColumnMapping.objects.exists()


def test_carers_without_email_are_matched_by_name_on_a_second_import(world) -> None:  # type: ignore[no-untyped-def]
    committed(world.office, sample("pupils_sims.csv"))
    committed(world.office, sample("pupils_sims.csv"))
    assert Carer.objects.filter(first_name="Gran", surname="O'Neill").count() == 1


def test_a_carer_row_for_a_pupil_already_on_roll_links_them_in_a_partial_import(world) -> None:  # type: ignore[no-untyped-def]
    data = (
        b"UPN,Contact Forename,Contact Surname,Relationship,Contact Email\n"
        b"T938456789012,Sam,Parker,Father,sam.parker@example.com\n"
    )
    batch = committed(world.office, data, full=False)
    assert batch.preview["counts"]["links_add"] == 1
    assert PupilCarer.objects.filter(pupil=world.amy, carer__email="sam.parker@example.com").exists()


def test_a_problem_that_appears_after_preview_fails_the_whole_commit(world) -> None:  # type: ignore[no-untyped-def]
    batch = previewed(world.office, sample("pupils_sims.csv"), full=False)
    assert batch.can_commit
    # Cara is given Zoë's MIS id with another UPN: the file's row no longer fits the roll.
    Pupil.objects.filter(pk=world.cara.pk).update(upn="A938200123001", mis_id="002")
    with pytest.raises(services.ServiceError, match="problem"):
        services.import_commit(batch=batch, by=world.office)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.table == {}
    assert not Pupil.objects.filter(upn="L938200125002").exists()  # nothing else was written either
    assert not SchoolClass.objects.filter(name="Hazel").exists()


def test_a_database_conflict_during_commit_rolls_everything_back(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    batch = previewed(world.office, sample("pupils_sims.csv"))
    original = services._apply_pupils

    def apply_then_conflict(**kwargs):  # type: ignore[no-untyped-def]
        original(**kwargs)
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "_apply_pupils", apply_then_conflict)
    with pytest.raises(services.ServiceError, match="changed while"):
        services.import_commit(batch=batch, by=world.office)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not Pupil.objects.filter(upn="X938200125001").exists()
    world.ben.refresh_from_db()
    assert world.ben.left_on is None


def test_columns_cannot_change_after_commit(world) -> None:  # type: ignore[no-untyped-def]
    batch = committed(world.office, sample("pupils_sims.csv"))
    with pytest.raises(InvalidTransition):
        services.import_columns_set(batch=batch, by=world.office, columns={"upn": "UPN"})


def test_previews_left_waiting_a_day_lose_their_rows(world) -> None:  # type: ignore[no-untyped-def]
    from homelearning.roster.tasks import expire_previews

    old = previewed(world.office, sample("pupils_sims.csv"))
    with time_machine.travel(datetime.datetime(2026, 12, 1, 11, tzinfo=datetime.UTC), tick=False):
        fresh = previewed(world.office, sample("pupils_sims.csv"))
        assert expire_previews.call() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.table) == (ImportBatch.Status.FAILED, {})
    assert fresh.status == ImportBatch.Status.PREVIEWED and fresh.table
    with pytest.raises(InvalidTransition):
        services.import_commit(batch=old, by=world.office)


def test_one_email_for_two_different_carers_is_a_problem(world) -> None:  # type: ignore[no-untyped-def]
    data = (
        b"UPN,Legal Forename,Legal Surname,DOB,Reg Group,Contact Forename,Contact Surname,Contact Email\n"
        b"X938200125001,Zoe,Aberg,15/09/2021,Oak,Maria,Aberg,family@example.com\n"
        b"X938200125001,Zoe,Aberg,15/09/2021,Oak,Lars,Aberg,family@example.com\n"
    )
    found = problems_of(previewed(world.office, data))
    assert [(row, column) for row, column, _ in found] == [(3, "Contact email")]
    assert "also the address of Maria Aberg on row 2" in found[0][2]


def test_an_mis_id_that_belongs_to_another_pupil_is_a_problem(world) -> None:  # type: ignore[no-untyped-def]
    Pupil.objects.filter(pk=world.cara.pk).update(mis_id="001")
    data = b"UPN,Adno,Legal Forename,Legal Surname,DOB,Reg Group\nT938456789012,001,Amelia,Parker,04/03/2020,Oak\n"
    found = problems_of(previewed(world.office, data, full=False))
    assert found == [(2, "MIS id", "MIS id 001 already belongs to another pupil on roll.")]


def test_a_upn_from_no_local_authority_is_refused_in_the_preview_naming_its_row(world) -> None:  # type: ignore[no-untyped-def]
    # The check letter is right, but 123 is no authority's DfE number.
    data = (
        b"UPN,Legal Forename,Legal Surname,DOB,Reg Group\n"
        b"X938200125001,Zoe,Aberg,15/09/2021,Oak\n"
        b"UPN_PLACEHOLDER,Yusuf,Bell,02/10/2021,Oak\n"
    ).replace(b"UPN_PLACEHOLDER", _upn("123200125001").encode())
    batch = previewed(world.office, data)
    found = problems_of(batch)
    assert [(row, column) for row, column, _ in found] == [(3, "UPN")]
    assert "(123)" in found[0][2] and "no authority has that number" in found[0][2]
    before = Pupil.objects.count()
    with pytest.raises(services.ServiceError):
        services.import_commit(batch=batch, by=world.office)
    assert Pupil.objects.count() == before


def _upn(body: str) -> str:
    from homelearning.people.upn import upn_check_letter

    return upn_check_letter(body) + body
