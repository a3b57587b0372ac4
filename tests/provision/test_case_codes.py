"""Each individual case is coded for its own reason (issue 20, step 3): the usual code by default, any
other the attendance guidance allows at the decision-maker's choice, and the reason kept beside the mark."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from homelearning.core.errors import ServiceError
from homelearning.provision import services
from homelearning.provision.models import Case, CodeRule, RegisterMark
from tests.personas import World
from tests.provision.builders import FRI, MON, agreed_case, requested_case, whole_school_closure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]

TODAY = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)

# The guidance, written out here independently of the seeded table: (usual, every allowed code).
CASE_CODES = {
    Case.Reason.MEDICAL: ("I", {"I", "C2"}),
    Case.Reason.MOBILITY: ("C", {"C", "I", "C2", "Y7"}),
    Case.Reason.SHORT_ILLNESS: ("I", {"I"}),
    Case.Reason.HOLIDAY: ("G", {"G", "C"}),
    Case.Reason.MISBEHAVIOUR: ("E", {"E"}),
}


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False):
        yield


def test_every_case_reason_has_a_usual_code() -> None:
    assert set(CASE_CODES) == set(Case.Reason)


@pytest.mark.parametrize("reason", list(Case.Reason))
def test_the_code_table_gives_each_reason_its_codes(reason: str) -> None:
    usual, allowed = services.case_codes_for(reason)
    assert usual == CASE_CODES[reason][0]
    assert {c.code for c in allowed} == CASE_CODES[reason][1]
    assert allowed[0].code == usual


@pytest.mark.parametrize("reason", list(Case.Reason))
def test_a_request_takes_the_usual_code_for_its_reason(world: World, reason: str) -> None:
    case = requested_case(world, reason=reason)
    assert case.absence_code_id == CASE_CODES[reason][0]


def test_a_mobility_case_is_not_coded_as_illness(world: World) -> None:
    case = agreed_case(world, reason=Case.Reason.MOBILITY)
    services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI)
    marks = RegisterMark.objects.filter(case=case)
    assert marks.count() == 10
    assert set(marks.values_list("absence_code_id", "reason")) == {("C", "mobility")}


@pytest.mark.parametrize(("reason", "code"), [(Case.Reason.MOBILITY, "I"), (Case.Reason.MEDICAL, "C2")])
def test_the_decision_maker_can_choose_another_allowed_code(world: World, reason: str, code: str) -> None:
    case = agreed_case(world, reason=reason)
    services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI, code=code)
    assert set(RegisterMark.objects.filter(case=case).values_list("absence_code_id", "reason")) == {(code, reason)}
    assert Case.objects.get(pk=case.pk).absence_code_id == code


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        (Case.Reason.MOBILITY, "Y6"),
        (Case.Reason.MEDICAL, "G"),
        (Case.Reason.MEDICAL, "C"),
        (Case.Reason.MEDICAL, "/"),  # a present mark: never for remote education
        (Case.Reason.MOBILITY, "ZZ"),  # no such code
    ],
)
def test_a_code_the_guidance_does_not_give_for_the_reason_is_refused(world: World, reason: str, code: str) -> None:
    case = agreed_case(world, reason=reason)
    with pytest.raises(ServiceError, match="not a code the attendance guidance gives"):
        services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI, code=code)
    assert Case.objects.get(pk=case.pk).status == Case.Status.PREPARING
    assert not RegisterMark.objects.exists()


def test_the_page_offers_only_the_allowed_codes_usual_first(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world, reason=Case.Reason.MOBILITY)
    page = client_for(world.head).get(reverse("provision:case_detail", args=[case.code])).content.decode()
    offered = [code for code in ("C", "I", "C2", "Y7", "G", "Y6", "E") if f'value="{code}"' in page]
    assert offered == ["C", "I", "C2", "Y7"]
    assert '<option value="C" selected>' in page


def test_posting_a_code_not_offered_is_a_form_error_and_changes_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world, reason=Case.Reason.MEDICAL)
    response = client_for(world.head).post(
        reverse("provision:case_activate", args=[case.code]),
        {"start_date": MON.isoformat(), "end_date": FRI.isoformat(), "code": "Y4"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.PREPARING
    assert not RegisterMark.objects.exists()


def test_closure_marks_carry_the_closures_reason(world: World) -> None:
    closure = whole_school_closure(world)
    assert set(RegisterMark.objects.filter(closure=closure).values_list("reason", flat=True)) == {"extreme_weather"}


def test_the_register_export_shows_each_marks_reason(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world, pupil=world.ben, reason=Case.Reason.MOBILITY)
    services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI)
    response = client_for(world.head).get(
        reverse("provision:register_export"), {"start": MON.isoformat(), "end": FRI.isoformat()}
    )
    rows = response.content.decode().splitlines()
    assert rows[0].endswith(",Code,Reason")
    ben = [r for r in rows if f",{world.ben.surname}," in r]
    assert ben and all(r.endswith(",C,Temporary mobility issue") for r in ben)


def test_the_migration_puts_each_marks_reason_beside_it(world: World) -> None:
    closure = whole_school_closure(world)
    RegisterMark.objects.filter(closure=closure).update(reason="")
    migration = importlib.import_module("homelearning.provision.migrations.0003_code_rules")
    migration.reasons_beside_marks(apps, None)
    assert set(RegisterMark.objects.values_list("reason", flat=True)) == {"extreme_weather"}


def test_the_seed_can_run_again_without_duplicates() -> None:
    before = CodeRule.objects.count()
    migration = importlib.import_module("homelearning.provision.migrations.0003_code_rules")
    migration.seed(apps, None)
    assert CodeRule.objects.count() == before == 12 + 10
