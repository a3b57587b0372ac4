from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.people import services as people_services
from homelearning.provision import services
from homelearning.provision.models import AbsenceCode, Closure, RegisterMark
from homelearning.provision.selectors import remote_days
from homelearning.provision.tasks import closure_notify
from tests.personas import World
from tests.provision.builders import FRI, MON, whole_school_closure

pytestmark = pytest.mark.django_db


def week(first: datetime.date = MON, n: int = 5) -> set[datetime.date]:
    return {first + datetime.timedelta(days=i) for i in range(n)}


def test_codes_are_seeded_with_categories() -> None:
    assert AbsenceCode.objects.get(code="Y4").category == AbsenceCode.Category.NOT_COUNTED
    assert AbsenceCode.objects.get(code="I").category == AbsenceCode.Category.AUTHORISED
    assert AbsenceCode.objects.get(code="G").category == AbsenceCode.Category.UNAUTHORISED
    assert AbsenceCode.objects.get(code="/").is_present
    assert AbsenceCode.objects.count() == 34


# The 2024 regulations: Y6 only for public-health reasons (infectious disease, public-health guidance or
# law), at any scope; any other closure is Y4 for the whole site and Y3 for part of the premises.
CLOSURE_CODES = {
    (Closure.Reason.PUBLIC_HEALTH, Closure.Scope.WHOLE_SCHOOL): "Y6",
    (Closure.Reason.PUBLIC_HEALTH, Closure.Scope.YEAR_GROUPS): "Y6",
    (Closure.Reason.PUBLIC_HEALTH, Closure.Scope.CLASSES): "Y6",
    (Closure.Reason.GOVERNMENT_GUIDANCE, Closure.Scope.WHOLE_SCHOOL): "Y4",
    (Closure.Reason.GOVERNMENT_GUIDANCE, Closure.Scope.YEAR_GROUPS): "Y3",
    (Closure.Reason.GOVERNMENT_GUIDANCE, Closure.Scope.CLASSES): "Y3",
    (Closure.Reason.EXTREME_WEATHER, Closure.Scope.WHOLE_SCHOOL): "Y4",
    (Closure.Reason.EXTREME_WEATHER, Closure.Scope.YEAR_GROUPS): "Y3",
    (Closure.Reason.EXTREME_WEATHER, Closure.Scope.CLASSES): "Y3",
    (Closure.Reason.CRITICAL_INCIDENT, Closure.Scope.WHOLE_SCHOOL): "Y4",
    (Closure.Reason.CRITICAL_INCIDENT, Closure.Scope.YEAR_GROUPS): "Y3",
    (Closure.Reason.CRITICAL_INCIDENT, Closure.Scope.CLASSES): "Y3",
}


def test_the_table_covers_every_reason_and_scope() -> None:
    assert set(CLOSURE_CODES) == {(r, s) for r in Closure.Reason for s in Closure.Scope}


@pytest.mark.parametrize(("reason", "scope"), list(CLOSURE_CODES))
def test_closure_code_from_reason_and_scope(reason: str, scope: str) -> None:
    assert services.closure_code_for(reason=reason, scope=scope) == CLOSURE_CODES[(reason, scope)]


def test_a_reason_missing_from_the_code_table_is_refused_not_guessed() -> None:
    from homelearning.provision.models import CodeRule

    CodeRule.objects.filter(kind="closure", reason=Closure.Reason.EXTREME_WEATHER).delete()
    with pytest.raises(ServiceError, match="code table"):
        services.closure_code_for(reason=Closure.Reason.EXTREME_WEATHER, scope=Closure.Scope.WHOLE_SCHOOL)


def test_declare_fills_register_for_every_pupil_and_school_day(
    terms: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    world = terms
    with django_capture_on_commit_callbacks(execute=True):
        closure = whole_school_closure(world)
    marks = RegisterMark.objects.filter(closure=closure)
    # Amy, Ben and Cara; 5 school days; AM and PM. The other school's pupil is untouched.
    assert marks.count() == 3 * 5 * 2
    assert set(marks.values_list("absence_code_id", flat=True)) == {"Y4"}
    assert not RegisterMark.objects.filter(pupil=world.outsider_pupil).exists()
    days = remote_days(school=world.school, start=MON, end=FRI)
    assert days == {world.amy.pk: week(), world.ben.pk: week(), world.cara.pk: week()}
    assert AuditEvent.objects.filter(action="closure.declare").count() == 1
    # The task was queued on commit; run it (twice: the second run emails nobody).
    assert DBTaskResult.objects.filter(task_path__endswith="closure_notify").count() == 1
    assert closure_notify.call(closure_id=closure.pk) == 2
    assert closure_notify.call(closure_id=closure.pk) == 0
    # One email per primary carer: Pat has two children and gets one email.
    emails = OutboundEmail.objects.filter(kind="provision.closure")
    assert sorted(e.to for e in emails) == ["pat.parker@example.com", "q.quinn@example.com"]
    pat = emails.filter(to="pat.parker@example.com").first()
    assert pat is not None and "Amy, Ben" in pat.body_text
    assert "from Monday 30 November 2026 to Friday 4 December 2026" in pat.body_text
    # A link to each child's plan for the first day, by first name only.
    amy_link = f"- Amy: http://127.0.0.1:8000/children/{world.amy.code}/learning/2026-11-30/"
    assert amy_link in pat.body_text
    assert f"/children/{world.ben.code}/learning/2026-11-30/" in pat.body_text
    assert world.amy.surname not in pat.body_text.split("Dear")[1].split("\n", 1)[1]


def test_a_one_day_closure_email_names_the_day_once(terms: World) -> None:
    closure = whole_school_closure(terms, first=MON, last=MON)
    closure_notify.call(closure_id=closure.pk)
    email = OutboundEmail.objects.filter(kind="provision.closure", to="pat.parker@example.com").get()
    assert "is closed to Amy, Ben on Monday 30 November 2026 (extreme weather)." in email.body_text
    assert "to Monday" not in email.body_text
    assert email.subject == "Balfour Test Infant School: school closed on 30 November, learning at home"


def test_declaring_the_same_closure_twice_changes_nothing(terms: World) -> None:
    world = terms
    first = whole_school_closure(world)
    again, created = services.closure_declare(
        by=world.staff(world.senior),
        reason=Closure.Reason.EXTREME_WEATHER,
        scope=Closure.Scope.WHOLE_SCHOOL,
        first_day=MON,
        last_day=FRI,
    )
    assert not created and again.pk == first.pk
    assert Closure.objects.count() == 1
    assert RegisterMark.objects.count() == 30
    assert AuditEvent.objects.filter(action="closure.declare").count() == 1


def test_class_scope_marks_only_that_class_with_y3(terms: World) -> None:
    world = terms
    closure, _ = services.closure_declare(
        by=world.staff(world.head),
        reason=Closure.Reason.CRITICAL_INCIDENT,
        scope=Closure.Scope.CLASSES,
        classes=[world.oak],
        first_day=MON,
        last_day=MON,
    )
    assert closure.absence_code_id == "Y3"
    assert set(RegisterMark.objects.values_list("pupil_id", flat=True)) == {world.amy.pk, world.cara.pk}


def test_year_group_scope(terms: World) -> None:
    world = terms
    services.closure_declare(
        by=world.staff(world.head),
        reason=Closure.Reason.PUBLIC_HEALTH,
        scope=Closure.Scope.YEAR_GROUPS,
        year_groups=[world.ash.year_group],
        first_day=MON,
        last_day=MON,
    )
    assert set(RegisterMark.objects.values_list("pupil_id", "absence_code_id").distinct()) == {(world.ben.pk, "Y6")}


def test_statements_do_not_grow_with_pupils(terms: World) -> None:
    world = terms

    def declare(first: datetime.date) -> int:
        with CaptureQueriesContext(connection) as ctx:
            whole_school_closure(world, first=first, last=first + datetime.timedelta(days=4))
        return len(ctx.captured_queries)

    small = declare(datetime.date(2026, 11, 2))
    for i in range(20):
        people_services.pupil_create(
            school_class=world.oak, legal_first_name=f"Kid{i}", surname="Extra", date_of_birth=datetime.date(2020, 1, 1)
        )
    large = declare(datetime.date(2026, 11, 9))
    assert large == small


def test_extend_adds_only_new_days(terms: World) -> None:
    world = terms
    closure = whole_school_closure(world)
    ids_before = set(RegisterMark.objects.values_list("pk", flat=True))
    services.closure_change_last_day(closure=closure, last_day=datetime.date(2026, 12, 8), by=world.staff(world.head))
    assert set(RegisterMark.objects.values_list("pk", flat=True)) >= ids_before
    assert RegisterMark.objects.count() == 3 * 7 * 2
    assert AuditEvent.objects.filter(action="closure.extend").count() == 1


def test_end_early_removes_only_later_days(terms: World) -> None:
    world = terms
    closure = whole_school_closure(world)
    ended = services.closure_end(closure=closure, last_day=datetime.date(2026, 12, 1), by=world.staff(world.head))
    assert ended.status == Closure.Status.ENDED
    assert remote_days(school=world.school, start=MON, end=FRI)[world.amy.pk] == week(n=2)
    with pytest.raises(InvalidTransition):
        services.closure_end(closure=ended, last_day=ended.last_day, by=world.staff(world.head))


def test_declare_bad_input_changes_nothing(terms: World) -> None:
    world = terms
    head = world.staff(world.head)
    saturday = datetime.date(2026, 12, 5)
    cases = [
        {"first_day": FRI, "last_day": MON},
        {"first_day": saturday, "last_day": saturday},
        {"first_day": datetime.date(2026, 12, 25), "last_day": datetime.date(2026, 12, 25)},
        {"first_day": MON, "last_day": FRI, "scope": Closure.Scope.CLASSES},
        {"first_day": MON, "last_day": FRI, "scope": Closure.Scope.CLASSES, "classes": [world.outsider_class]},
        {"first_day": MON, "last_day": FRI, "reason": "boredom"},
    ]
    for kwargs in cases:
        args = {"reason": Closure.Reason.EXTREME_WEATHER, "scope": Closure.Scope.WHOLE_SCHOOL, **kwargs}
        with pytest.raises(ServiceError):
            services.closure_declare(by=head, **args)  # type: ignore[arg-type]
    assert not Closure.objects.exists() and not RegisterMark.objects.exists()


def test_only_leaders_declare(terms: World) -> None:
    world = terms
    for user in (world.office, world.teacher, world.dsl):
        with pytest.raises(PermissionRefused):
            services.closure_declare(
                by=world.staff(user),
                reason=Closure.Reason.EXTREME_WEATHER,
                scope=Closure.Scope.WHOLE_SCHOOL,
                first_day=MON,
                last_day=FRI,
            )
    assert not Closure.objects.exists()


def test_no_present_code_in_any_remote_mark(terms: World) -> None:
    whole_school_closure(terms)
    present = set(AbsenceCode.objects.filter(is_present=True).values_list("code", flat=True))
    assert not RegisterMark.objects.filter(absence_code_id__in=present).exists()


def test_remote_days_filters_pupils_and_range_in_one_query(terms: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    world = terms
    whole_school_closure(world)
    with django_assert_num_queries(1):
        days = remote_days(
            school=world.school,
            start=datetime.date(2026, 12, 2),
            end=datetime.date(2026, 12, 31),
            pupil_ids=[world.amy.pk],
        )
    assert days == {world.amy.pk: {datetime.date(2026, 12, 2), datetime.date(2026, 12, 3), FRI}}
    assert remote_days(school=world.other_school, start=MON, end=FRI) == {}
    assert remote_days(school=world.school, start=MON, end=FRI, pupil_ids=[]) == {}
