"""Provision records in named states."""

from __future__ import annotations

import datetime
import importlib

from homelearning.provision import services
from homelearning.provision.models import AgreementParty, Case, Closure
from tests.personas import World

_SEED = importlib.import_module("homelearning.provision.migrations.0002_seed_absence_codes")


def ensure_absence_codes() -> None:
    """Put back the attendance codes the data migration seeded (a transactional test's flush removes them)."""
    from homelearning.provision.models import AbsenceCode

    if AbsenceCode.objects.count() < len(_SEED.CODES):
        AbsenceCode.objects.bulk_create(
            [AbsenceCode(code=c, meaning=m, category=cat, is_present=p) for c, m, cat, p in _SEED.CODES],
            ignore_conflicts=True,
        )


def school_terms(world: World) -> World:
    """Autumn 2026 and spring 2027 terms for the test school (it has none by default)."""
    from homelearning.core.models import Term

    Term.objects.create(
        school=world.school,
        name="Autumn 2026",
        first_day=datetime.date(2026, 9, 2),
        last_day=datetime.date(2026, 12, 18),
    )
    Term.objects.create(
        school=world.school,
        name="Spring 2027",
        first_day=datetime.date(2027, 1, 5),
        last_day=datetime.date(2027, 3, 26),
    )
    return world


MON = datetime.date(2026, 11, 30)
FRI = datetime.date(2026, 12, 4)


def whole_school_closure(world: World, first: datetime.date = MON, last: datetime.date = FRI) -> Closure:
    closure, _ = services.closure_declare(
        by=world.staff(world.head),
        reason=Closure.Reason.EXTREME_WEATHER,
        scope=Closure.Scope.WHOLE_SCHOOL,
        first_day=first,
        last_day=last,
    )
    return closure


def requested_case(world: World, pupil=None, reason: str = Case.Reason.MEDICAL) -> Case:  # type: ignore[no-untyped-def]
    return services.case_request(
        by=world.staff(world.office),
        pupil=pupil or world.amy,
        requested_by="Pat Parker (mother)",
        requested_on=datetime.date(2026, 11, 27),
        reason=reason,
        notes="Leg in plaster after an operation.",
    )


def assessed_case(world: World, pupil=None) -> Case:  # type: ignore[no-untyped-def]
    case = requested_case(world, pupil)
    services.risk_assessment_record(
        case=case,
        by=world.staff(world.senior),
        assessed_on=datetime.date(2026, 11, 27),
        assessed_by="Mr Stone",
        findings="Cannot manage stairs; can learn at home.",
    )
    services.medical_advice_record(
        case=case,
        by=world.staff(world.senior),
        advised_by="Dr Who, GP",
        advised_on=datetime.date(2026, 11, 26),
        summary="Six weeks of rest at home.",
    )
    return case


def agreed_case(world: World, pupil=None) -> Case:  # type: ignore[no-untyped-def]
    case = assessed_case(world, pupil)
    for party in case.parties.all():
        services.agreement_record(
            case=case,
            party=party,
            by=world.staff(world.senior),
            agreed_on=datetime.date(2026, 11, 27),
            how=AgreementParty.How.MEETING,
        )
    return case


def active_case(world: World, pupil=None, start: datetime.date = MON, end: datetime.date = FRI) -> Case:  # type: ignore[no-untyped-def]
    case = agreed_case(world, pupil)
    return services.case_activate(case=case, by=world.staff(world.head), start_date=start, end_date=end)
