from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent
from homelearning.provision import services
from homelearning.provision.models import AgreementParty, Case, RegisterMark, Review
from homelearning.provision.selectors import remote_days
from tests.pdfs import plain_pdf
from tests.personas import World
from tests.provision.builders import FRI, MON, active_case, agreed_case, assessed_case, requested_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]

TODAY = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("reason", [Case.Reason.HOLIDAY, Case.Reason.SHORT_ILLNESS, Case.Reason.MISBEHAVIOUR])
def test_excluded_reasons_are_refused_at_once(world: World, reason: str) -> None:
    case = requested_case(world, reason=reason)
    assert case.status == Case.Status.REFUSED
    assert case.refusal_reason
    assert not case.parties.exists()
    assert not RegisterMark.objects.exists()
    assert AuditEvent.objects.filter(action="case.refuse").count() == 1


def test_misbehaviour_is_explained_as_a_suspension(world: World) -> None:
    case = requested_case(world, reason=Case.Reason.MISBEHAVIOUR)
    assert "suspension" in case.refusal_reason and "behaviour policy" in case.refusal_reason


def test_parties_come_from_the_pupil(world: World) -> None:
    amy = requested_case(world)
    assert [(p.kind, p.carer_id) for p in amy.parties.all()] == [
        ("school", None),
        ("carer", amy.pupil.carer_links.get().carer_id),
        ("pupil", None),
    ]
    # Cara has an EHC plan: the local authority is a party too.
    cara = services.case_request(
        by=world.staff(world.office),
        pupil=world.cara,
        requested_by="Father",
        requested_on=datetime.date(2026, 11, 27),
        reason=Case.Reason.MOBILITY,
        medical_professional_involved=True,
    )
    assert {p.kind for p in cara.parties.all()} == {"school", "carer", "pupil", "medical", "la"}


def test_cannot_start_without_assessment_advice_and_agreement(world: World) -> None:
    case = requested_case(world)
    with pytest.raises(ServiceError) as error:
        services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI)
    message = str(error.value)
    assert "a risk assessment" in message and "medical advice" in message and "Pat Parker" in message
    assert Case.objects.get(pk=case.pk).status == Case.Status.PREPARING
    assert not RegisterMark.objects.exists()


def test_page_names_exactly_who_is_missing(world: World) -> None:
    case = assessed_case(world)
    school_party = case.parties.get(kind=AgreementParty.Kind.SCHOOL)
    services.agreement_record(
        case=case, party=school_party, by=world.staff(world.head), agreed_on=datetime.date(2026, 11, 27), how="meeting"
    )
    assert services.case_missing(case) == [
        "the agreement of Pat Parker (mother)",
        "the agreement of Amy Parker (the pupil)",
    ]


def test_activation_marks_the_register_with_the_case_code(world: World) -> None:
    case = active_case(world)
    assert case.status == Case.Status.ACTIVE
    assert case.next_review_date == datetime.date(2026, 12, 14)  # two school weeks after the start
    marks = RegisterMark.objects.filter(case=case)
    assert marks.count() == 10 and set(marks.values_list("absence_code_id", flat=True)) == {"I"}
    assert remote_days(school=world.school, start=MON, end=FRI) == {
        world.amy.pk: {MON + datetime.timedelta(days=i) for i in range(5)}
    }


def test_two_people_approving_at_once_one_wins(world: World) -> None:
    case = agreed_case(world)
    stale = Case.objects.get(pk=case.pk)
    services.case_activate(case=case, by=world.staff(world.head), start_date=MON, end_date=FRI)
    with pytest.raises(InvalidTransition, match="already started"):
        services.case_activate(case=stale, by=world.staff(world.senior), start_date=MON, end_date=FRI)
    assert RegisterMark.objects.count() == 10
    assert AuditEvent.objects.filter(action="case.activate").count() == 1


def test_agreement_recorded_once(world: World) -> None:
    case = requested_case(world)
    party = case.parties.first()
    assert party is not None
    services.agreement_record(
        case=case, party=party, by=world.staff(world.head), agreed_on=datetime.date(2026, 11, 27), how="email"
    )
    with pytest.raises(InvalidTransition):
        services.agreement_record(
            case=case, party=party, by=world.staff(world.senior), agreed_on=datetime.date(2026, 11, 27), how="email"
        )
    with pytest.raises(ServiceError):
        services.agreement_record(
            case=case,
            party=case.parties.last(),  # type: ignore[arg-type]
            by=world.staff(world.head),
            agreed_on=datetime.date(2026, 11, 27),
            how="carrier pigeon",
        )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (FRI, MON, "before"),
        (datetime.date(2026, 11, 28), FRI, "not a school day"),
        (MON, datetime.date(2026, 12, 25), "not a school day"),
        (MON, datetime.date(2027, 1, 26), "6 school weeks"),
        # Twelve weeks away: the message gives the latest end date allowed and how to go on longer.
        (MON, datetime.date(2027, 2, 22), r"on or before \w+day \d+ \w+ 20\d\d\. If the pupil needs longer, continue"),
    ],
)
def test_bad_dates_are_refused(world: World, start: datetime.date, end: datetime.date, message: str) -> None:
    case = agreed_case(world)
    with pytest.raises(ServiceError, match=message):
        services.case_activate(case=case, by=world.staff(world.head), start_date=start, end_date=end)
    assert Case.objects.get(pk=case.pk).status == Case.Status.PREPARING
    assert not RegisterMark.objects.exists()


def test_six_school_weeks_is_allowed(world: World) -> None:
    # 30 school days from 30 Nov: 15 to the end of autumn (18 Dec), spring starts Tuesday 5 Jan.
    case = active_case(world, end=datetime.date(2027, 1, 25))
    assert RegisterMark.objects.filter(case=case).count() == 60


def test_second_open_case_is_refused(world: World) -> None:
    requested_case(world)
    with pytest.raises(ServiceError, match="already has an open case"):
        requested_case(world)
    assert Case.objects.count() == 1


def test_database_enforces_one_open_case(world: World) -> None:
    case = requested_case(world)
    with pytest.raises(IntegrityError):
        Case.objects.create(
            school=case.school,
            pupil=case.pupil,
            requested_by="x",
            requested_on=case.requested_on,
            reason=Case.Reason.MEDICAL,
            status=Case.Status.ACTIVE,
            absence_code_id="I",
            recorded_by=case.recorded_by,
        )


def test_a_refused_request_does_not_block_a_real_one(world: World) -> None:
    requested_case(world, reason=Case.Reason.HOLIDAY)
    assert requested_case(world).status == Case.Status.PREPARING


def test_office_records_but_cannot_decide(world: World) -> None:
    case = requested_case(world)
    with pytest.raises(PermissionRefused):
        services.risk_assessment_record(
            case=case,
            by=world.staff(world.office),
            assessed_on=datetime.date(2026, 11, 27),
            assessed_by="x",
            findings="y",
        )
    with pytest.raises(PermissionRefused):
        services.case_request(
            by=world.staff(world.teacher),
            pupil=world.amy,
            requested_by="x",
            requested_on=datetime.date(2026, 11, 27),
            reason=Case.Reason.MEDICAL,
        )


def test_other_schools_pupil_is_refused(world: World) -> None:
    with pytest.raises(PermissionRefused):
        requested_case(world, pupil=world.outsider_pupil)


def test_documents_are_checked_by_content_and_size(world: World) -> None:
    case = requested_case(world)
    args = {
        "case": case,
        "by": world.staff(world.head),
        "assessed_on": datetime.date(2026, 11, 27),
        "assessed_by": "Mr Stone",
        "findings": "Fine.",
    }
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError, match="PDF, PNG or JPEG"):
        services.risk_assessment_record(document=fake, **args)  # type: ignore[arg-type]
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ServiceError, match="5 MB"):
        services.risk_assessment_record(document=big, **args)  # type: ignore[arg-type]
    assert not case.risk_assessments.exists()
    good = SimpleUploadedFile("report.pdf", plain_pdf(), content_type="application/pdf")
    assessment = services.risk_assessment_record(document=good, **args)  # type: ignore[arg-type]
    assert assessment.document.name.endswith(".pdf")
    assessment.document.delete(save=False)


def test_review_continue_extends_marks_and_schedule(world: World) -> None:
    case = active_case(world)
    with time_machine.travel(datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC), tick=False):
        review = services.review_record(
            case=case,
            by=world.staff(world.head),
            held_on=datetime.date(2026, 12, 4),
            support="Daily call with the class teacher.",
            reintegration_plan="Mornings first, then full days.",
            reintegration_steps="1. Mornings. 2. Full days.",
            decision=Review.Decision.CONTINUE,
            new_end_date=datetime.date(2026, 12, 11),
        )
    case.refresh_from_db()
    assert review.decision == "continue"
    assert case.end_date == datetime.date(2026, 12, 11)
    assert RegisterMark.objects.filter(case=case).count() == 20


def test_review_return_closes_the_case(world: World) -> None:
    case = active_case(world)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 12, tzinfo=datetime.UTC), tick=False):
        services.review_record(
            case=case,
            by=world.staff(world.head),
            held_on=datetime.date(2026, 12, 2),
            support="Support.",
            reintegration_plan="Plan.",
            decision=Review.Decision.RETURN,
            return_date=datetime.date(2026, 12, 3),
        )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.return_date == datetime.date(2026, 12, 3)
    assert set(RegisterMark.objects.filter(case=case).values_list("date", flat=True)) == {
        MON,
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 2),
    }


def test_review_bad_input(world: World) -> None:
    case = active_case(world)
    head = world.staff(world.head)
    base = {"case": case, "by": head, "held_on": datetime.date(2026, 11, 27), "support": "s", "reintegration_plan": "p"}
    bad = [
        {"decision": "continue"},
        {"decision": "continue", "new_end_date": datetime.date(2026, 12, 2)},
        {"decision": "continue", "new_end_date": datetime.date(2027, 3, 1)},
        {"decision": "return"},
        {"decision": "return", "return_date": datetime.date(2026, 12, 5)},
        {"decision": "maybe"},
        {"decision": "continue", "new_end_date": datetime.date(2026, 12, 11), "support": " "},
    ]
    for extra in bad:
        with pytest.raises(ServiceError):
            services.review_record(**{**base, **extra})  # type: ignore[arg-type]
    assert not Review.objects.exists()
    assert Case.objects.get(pk=case.pk).end_date == FRI


def test_end_case(world: World) -> None:
    case = active_case(world)
    ended = services.case_end(case=case, by=world.staff(world.senior), return_date=datetime.date(2026, 12, 2))
    assert ended.status == Case.Status.CLOSED
    assert RegisterMark.objects.filter(case=case).count() == 4
    with pytest.raises(InvalidTransition):
        services.case_end(case=case, by=world.staff(world.senior), return_date=datetime.date(2026, 12, 3))
    # The pupil may now have a new case.
    assert requested_case(world).status == Case.Status.PREPARING


def test_withdraw_a_case_being_prepared(world: World) -> None:
    case = requested_case(world)
    withdrawn = services.case_withdraw(case=case, by=world.staff(world.head), note="Family no longer asks.")
    assert withdrawn.status == Case.Status.CLOSED
    with pytest.raises(InvalidTransition):
        services.case_withdraw(case=case, by=world.staff(world.head))
    assert AuditEvent.objects.filter(action="case.withdraw").count() == 1
