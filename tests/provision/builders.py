"""Provision records in named states."""

from __future__ import annotations

import datetime

from homelearning.provision import services
from homelearning.provision.models import AgreementParty, Case, Closure
from tests.personas import World
from tests.reference_data import restore_reference_data


def ensure_absence_codes() -> None:
    """The attendance codes (a data migration's rows), if a transactional test's flush removed them."""
    from homelearning.provision.models import AbsenceCode

    if not AbsenceCode.objects.exists():
        restore_reference_data()


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


def term_around_today(world: World) -> World:
    """One term for the test school that runs from a month before today to three months after, whatever today is."""
    from django.utils import timezone

    from homelearning.core.models import Term

    now = timezone.localdate()
    Term.objects.create(
        school=world.school,
        name="This term",
        first_day=now - datetime.timedelta(days=30),
        last_day=now + datetime.timedelta(days=90),
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


def assessed_case(world: World, pupil=None, reason: str = Case.Reason.MEDICAL) -> Case:  # type: ignore[no-untyped-def]
    case = requested_case(world, pupil, reason=reason)
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


def agreed_case(world: World, pupil=None, reason: str = Case.Reason.MEDICAL) -> Case:  # type: ignore[no-untyped-def]
    case = assessed_case(world, pupil, reason=reason)
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
