"""The demo school (seed_demo's plan) rebuilt from a CSV export and from a CTF, then imported again unchanged."""

from __future__ import annotations

import csv
import datetime
import io
from xml.sax.saxutils import escape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homelearning.people.management.commands.seed_demo import SchoolPlan, plan_school
from homelearning.people.models import Carer, Pupil, PupilCarer, Staff
from homelearning.people.services import school_create, staff_create
from homelearning.roster.models import ImportKind
from tests.roster.builders import committed, previewed

pytestmark = [pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def plan() -> SchoolPlan:
    return plan_school(seed=2026, number=1, pupils=90, today=TODAY)


@pytest.fixture
def empty_school(db, plan: SchoolPlan):  # type: ignore[no-untyped-def]
    school = school_create(
        name=plan.name, urn=plan.urn, office_email=f"office@{plan.domain}", staff_email_domains=[plan.domain]
    )
    office = staff_create(
        school=school, email=f"importer@{plan.domain}", first_name="I", surname="Mport", roles=["office"]
    )
    return school, office.user


def pupils_csv(plan: SchoolPlan) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["UPN", "Adno", "Legal Forename", "Preferred Forename", "Legal Surname", "DOB", "Reg Group", "Year Group",
         "SEN Provision", "Contact Title", "Contact Forename", "Contact Surname", "Relationship", "Priority",
         "Contact Email", "Contact Phone"]
    )  # fmt: skip
    n = 0
    for family in plan.families:
        for child in family.children:
            n += 1
            school_class = plan.classes[child.class_index]
            pupil = [child.upn or "", f"{n:05d}", child.legal_first_name, child.preferred_first_name, child.surname,
                     child.date_of_birth.strftime("%d/%m/%Y"), school_class.name, school_class.year_group,
                     child.send_status]  # fmt: skip
            for priority, carer in enumerate(family.carers, start=1):
                writer.writerow([*pupil, carer.title, carer.first_name, carer.surname, carer.relationship, priority,
                                 carer.email, carer.phone])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def pupils_ctf(plan: SchoolPlan) -> bytes:
    parts = ["<?xml version='1.0' encoding='UTF-8'?><CTfile><Header><CTFversion>24.0</CTFversion></Header>",
             "<CTFpupilData>"]  # fmt: skip
    for family in plan.families:
        for child in family.children:
            contacts = "".join(
                f"<Contact><Order>{order}</Order><Title>{escape(c.title)}</Title><Surname>{escape(c.surname)}</Surname>"
                f"<Forename>{escape(c.first_name)}</Forename><Relationship>{c.relationship}</Relationship>"
                f"<Responsibility>true</Responsibility><Email><EmailAddress>{c.email}</EmailAddress></Email></Contact>"
                for order, c in enumerate(family.carers, start=1)
            )
            parts.append(
                f"<Pupil><UPN>{child.upn or ''}</UPN><Surname>{escape(child.surname)}</Surname>"
                f"<Forename>{escape(child.legal_first_name)}</Forename>"
                f"<PreferredForename>{escape(child.preferred_first_name)}</PreferredForename>"
                f"<DOB>{child.date_of_birth.isoformat()}</DOB><Contacts>{contacts}</Contacts></Pupil>"
            )
    parts.append("</CTFpupilData></CTfile>")
    return "".join(parts).encode()


@pytest.fixture(autouse=True)
def _demo_mode(settings):  # type: ignore[no-untyped-def]
    # The demo's UPNs come from its invented local authority, which only the demo accepts.
    settings.DEMO_MODE = True


def test_the_demo_school_is_rebuilt_from_a_csv_export(plan: SchoolPlan, empty_school) -> None:  # type: ignore[no-untyped-def]
    school, office = empty_school
    data = pupils_csv(plan)
    batch = committed(office, data)
    assert batch.preview["counts"]["pupils_add"] == len(plan.pupils)
    assert Pupil.objects.filter(school=school, left_on__isnull=True).count() == len(plan.pupils)
    people = {c.email or (c.first_name, c.surname, c.phone) for f in plan.families for c in f.carers}
    assert Carer.objects.filter(school=school).count() == len(people)
    links = sum(len(f.carers) * len(f.children) for f in plan.families)
    assert PupilCarer.objects.filter(pupil__school=school).count() == links
    assert PupilCarer.objects.filter(pupil__school=school, is_primary=True).count() == len(plan.pupils)
    for child in plan.pupils[:10]:
        pupil = Pupil.objects.get(school=school, upn=child.upn)
        assert pupil.school_class.name == plan.classes[child.class_index].name
        assert (pupil.legal_first_name, pupil.date_of_birth, pupil.send_status) == (
            child.legal_first_name,
            child.date_of_birth,
            child.send_status,
        )
    again = previewed(office, data)
    counts = again.preview["counts"]
    assert counts["pupils_unchanged"] == len(plan.pupils)
    assert sum(v for k, v in counts.items() if k != "pupils_unchanged") == 0


def test_the_demo_staff_are_rebuilt_from_a_csv_export(plan: SchoolPlan, empty_school) -> None:  # type: ignore[no-untyped-def]
    school, office = empty_school
    committed(office, pupils_csv(plan))  # the classes come with the pupils
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Email", "Title", "Forename", "Surname", "Roles", "Classes"])
    for s in plan.staff:
        classes = plan.classes[s.class_index].name if s.class_index is not None else ""
        writer.writerow([s.email, s.title, s.first_name, s.surname, s.role, classes])
    committed(office, out.getvalue().encode(), kind=ImportKind.STAFF)
    assert Staff.objects.filter(school=school).count() == len({s.email for s in plan.staff}) + 1


def test_the_demo_pupils_are_rebuilt_from_a_ctf(plan: SchoolPlan, empty_school) -> None:  # type: ignore[no-untyped-def]
    _, office = empty_school
    committed(office, pupils_csv(plan))
    data = pupils_ctf(plan)
    batch = previewed(office, data, name="demo.xml")
    assert batch.problems == []
    counts = batch.preview["counts"]
    assert counts["pupils_add"] == counts["pupils_change"] == counts["carers_add"] == counts["links_add"] == 0
    assert counts["pupils_unchanged"] == len(plan.pupils)


def test_a_preview_costs_the_same_queries_for_10_or_90_pupils(plan: SchoolPlan, empty_school) -> None:  # type: ignore[no-untyped-def]
    _, office = empty_school
    small = plan_school(seed=2026, number=1, pupils=10, today=TODAY)
    counts = []
    for data in (pupils_csv(small), pupils_csv(plan)):
        with CaptureQueriesContext(connection) as queries:
            batch = previewed(office, data, full=False)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert batch.problems == []
