"""Common Transfer Files (parsed safely) and staff CSV files, through the same preview and commit."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.errors import ServiceError
from homelearning.people.models import ClassStaff, Pupil, PupilCarer, Role, Staff, StaffRole
from homelearning.roster.models import ImportBatch, ImportKind
from homelearning.roster.reading import ImportRefused
from tests.roster.builders import committed, previewed, problems_of, sample

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


class TestCtf:
    def test_a_ctf_is_previewed_and_committed_into_the_chosen_class(self, world) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.office, sample("pupils_ctf.xml"), name="ctf.xml", full=False, default_class_name="Oak")
        assert batch.source == ImportBatch.Source.CTF
        assert batch.problems == []
        assert batch.preview["counts"]["pupils_add"] == 2
        assert batch.preview["counts"]["carers_add"] == 2
        committed(world.office, sample("pupils_ctf.xml"), name="ctf.xml", full=False, default_class_name="Oak")
        zoe = Pupil.objects.get(upn="X938200125001")
        assert zoe.school_class == world.oak
        assert zoe.date_of_birth == datetime.date(2021, 9, 15)
        links = PupilCarer.objects.filter(pupil=zoe).order_by("priority").select_related("carer")
        assert [(link.carer.first_name, link.relationship, link.is_primary) for link in links] == [
            ("Maria", "mother", True),
            ("Lars", "father", False),
        ]
        noah = Pupil.objects.get(upn="L938200125002")
        assert noah.preferred_first_name == ""  # the same as the legal name

    def test_a_ctf_imported_twice_changes_nothing(self, world) -> None:  # type: ignore[no-untyped-def]
        committed(world.office, sample("pupils_ctf.xml"), name="ctf.xml", full=False, default_class_name="Oak")
        again = previewed(world.office, sample("pupils_ctf.xml"), name="ctf.xml", full=False)
        counts = again.preview["counts"]
        assert counts["pupils_add"] == counts["pupils_change"] == counts["carers_add"] == counts["links_add"] == 0
        assert counts["pupils_unchanged"] == 2

    def test_new_pupils_need_a_class(self, world) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.office, sample("pupils_ctf.xml"), name="ctf.xml", full=False)
        assert (1, "Registration group", "The class is blank, so this new pupil has no class to join.") in problems_of(
            batch
        )

    @pytest.mark.parametrize("name", ["bomb.xml", "external.xml"])
    def test_entities_and_external_references_are_refused(self, world, name: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ImportRefused, match="entities or a document type"):
            previewed(world.office, sample(name), name=name)
        assert not ImportBatch.objects.exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"<CTfile><CTFpupilData><Pupil>", "not well-formed"),
            (b"<html><body>hello</body></html>", "not a Common Transfer File"),
            (b"<CTfile><Header/></CTfile>", "holds no pupils"),
        ],
    )
    def test_other_bad_xml_is_refused(self, world, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ImportRefused, match=message):
            previewed(world.office, data, name="ctf.xml")

    def test_bad_values_in_a_ctf_are_named_by_pupil_and_element(self, world) -> None:  # type: ignore[no-untyped-def]
        data = (
            b"<CTfile><CTFpupilData><Pupil><UPN>B999200125001</UPN><Surname>A</Surname><Forename>B</Forename>"
            b"<DOB>2021-02-30</DOB></Pupil></CTFpupilData></CTfile>"
        )
        found = problems_of(previewed(world.office, data, name="ctf.xml", default_class_name="Oak"))
        assert [(row, column) for row, column, _ in found] == [(1, "UPN")]

    def test_a_ctf_holds_pupils_not_staff(self, world) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ImportRefused, match="not staff"):
            previewed(world.office, sample("pupils_ctf.xml"), kind=ImportKind.STAFF)


class TestStaff:
    def test_staff_are_previewed_and_committed_adding_roles_and_classes(self, world) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.head, sample("staff.csv"), kind=ImportKind.STAFF)
        assert batch.problems == []
        assert batch.preview["counts"] == {
            "staff_add": 2,
            "staff_change": 0,
            "staff_unchanged": 1,
            "staff_leave": 0,
            "problems": 0,
        }
        committed(world.head, sample("staff.csv"), kind=ImportKind.STAFF)
        nia = Staff.objects.get(user__email="new.teacher@balfour.test")
        assert {r.role for r in nia.roles.all()} == {Role.TEACHER, Role.DEPUTY_DSL}
        assert ClassStaff.objects.get(staff=nia).school_class == world.ash
        hal = Staff.objects.get(user__email="helper@balfour.test")
        assert ClassStaff.objects.get(staff=hal).kind == ClassStaff.Kind.TEACHING_ASSISTANT
        again = previewed(world.head, sample("staff.csv"), kind=ImportKind.STAFF)
        assert again.preview["counts"]["staff_unchanged"] == 3

    def test_an_import_adds_roles_but_never_removes_them(self, world) -> None:  # type: ignore[no-untyped-def]
        data = b"Email,Forename,Surname,Roles\nhead@balfour.test,Helen,Hart,Teacher\n"
        committed(world.head, data, kind=ImportKind.STAFF)
        roles = set(StaffRole.objects.filter(staff__user=world.head).values_list("role", flat=True))
        assert roles == {Role.HEADTEACHER, Role.DSL, Role.TEACHER}

    def test_bad_staff_rows_are_named(self, world) -> None:  # type: ignore[no-untyped-def]
        data = (
            b"Email,Forename,Surname,Roles,Classes\n"
            b"someone@gmail.test,A,B,Teacher,\n"
            b"x@balfour.test,,B,Wizard,Maple\n"
            b"not-an-email,A,B,Teacher,\n"
        )
        found = {(row, column) for row, column, _ in problems_of(previewed(world.head, data, kind=ImportKind.STAFF))}
        assert found == {(2, "Email"), (3, "Forename"), (3, "Roles"), (3, "Classes"), (4, "Email")}

    def test_missing_staff_columns(self, world) -> None:  # type: ignore[no-untyped-def]
        batch = previewed(world.head, b"Name\nHelen\n", kind=ImportKind.STAFF)
        assert {column for _, column, _ in problems_of(batch)} == {"Email", "Forename", "Surname", "Roles"}
        with pytest.raises(ServiceError):
            from homelearning.roster import services

            services.import_commit(batch=batch, by=world.head)
