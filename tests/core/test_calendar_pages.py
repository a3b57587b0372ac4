"""Keeping the school calendar: terms, INSET days and planned closures, with bad input refused."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from homelearning.core.models import AuditEvent, NonSchoolDay, Term
from tests.personas import World


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def autumn(world: World) -> Term:
    return Term.objects.create(
        school=world.school, name="Autumn 2", first_day=datetime.date(2026, 11, 2), last_day=datetime.date(2026, 12, 18)
    )


def _term_data(**changes: str) -> dict[str, str]:
    return {"name": "Spring 1", "first_day": "2027-01-05", "last_day": "2027-02-12", **changes}


def test_every_staff_member_sees_the_calendar_with_school_days_counted(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    NonSchoolDay.objects.create(school=world.school, date=datetime.date(2026, 11, 30), kind=NonSchoolDay.Kind.INSET)
    page = client_for(world.teacher).get(reverse("core:calendar")).content.decode()
    # 7 weeks of weekdays (35) less one INSET day.
    assert "34 school days" in page
    assert "Monday 30 November 2026: INSET (staff training) day" in page
    assert "Add a term" not in page  # a class teacher reads it; the office and leaders keep it


@pytest.mark.parametrize("persona", ["parent", "outsider_parent"])
def test_parents_cannot_see_the_calendar_pages(world: World, client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(getattr(world, persona))
    assert client.get(reverse("core:calendar")).status_code == 403
    assert client.post(reverse("core:term_add"), _term_data()).status_code == 403
    assert not Term.objects.exists()


def test_the_office_adds_a_term_and_it_is_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.office).post(reverse("core:term_add"), _term_data())
    assert response.status_code == 302
    term = Term.objects.get(school=world.school)
    assert (term.name, term.first_day, term.last_day) == (
        "Spring 1",
        datetime.date(2027, 1, 5),
        datetime.date(2027, 2, 12),
    )
    event = AuditEvent.objects.get(action="calendar.term.create")
    assert event.actor == world.office and event.school == world.school


def test_a_teacher_cannot_change_the_calendar(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.teacher)
    assert client.post(reverse("core:term_add"), _term_data()).status_code == 403
    assert client.post(reverse("core:term_delete", args=[autumn.pk])).status_code == 403
    assert Term.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_term_data(name="  "), "This field is required"),
        (_term_data(first_day="2027-02-31"), "Enter a valid date"),
        (_term_data(last_day="2027-01-04"), "last day must be on or after its first day"),
        (_term_data(last_day="2027-07-20"), "at most 120 days"),
        (_term_data(first_day="2026-12-14", last_day="2027-01-10"), "overlap Autumn 2"),
    ],
)
def test_bad_terms_are_refused_and_nothing_changes(world: World, client_for, autumn: Term, data, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("core:term_add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Term.objects.all()) == [autumn]
    assert not AuditEvent.objects.filter(action="calendar.term.create").exists()


def test_changing_a_term_moves_its_dates(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.senior)
    url = reverse("core:term_edit", args=[autumn.pk])
    assert "Change Autumn 2" in client.get(url).content.decode()
    response = client.post(url, {"name": "Autumn 2", "first_day": "2026-11-02", "last_day": "2026-12-16"})
    assert response.status_code == 302
    autumn.refresh_from_db()
    assert autumn.last_day == datetime.date(2026, 12, 16)
    bad = client.post(url, {"name": "Autumn 2", "first_day": "2026-11-02", "last_day": "2026-10-01"})
    assert bad.status_code == 400
    autumn.refresh_from_db()
    assert autumn.last_day == datetime.date(2026, 12, 16)


def test_another_schools_term_is_not_found(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    theirs = Term.objects.create(
        school=world.other_school,
        name="Theirs",
        first_day=datetime.date(2027, 1, 5),
        last_day=datetime.date(2027, 2, 12),
    )
    client = client_for(world.head)
    assert client.get(reverse("core:term_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("core:term_delete", args=[theirs.pk])).status_code == 404
    assert Term.objects.filter(pk=theirs.pk).exists()


def test_removing_a_term(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("core:term_delete", args=[autumn.pk]))
    assert response.status_code == 302
    assert not Term.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.term.delete").count() == 1


def test_marking_and_unmarking_an_inset_day(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    response = client.post(reverse("core:day_add"), {"date": "2026-12-04", "kind": "inset", "note": "First aid"})
    assert response.status_code == 302
    day = NonSchoolDay.objects.get(school=world.school)
    assert (day.date, day.kind, day.note) == (datetime.date(2026, 12, 4), "inset", "First aid")
    assert client.post(reverse("core:day_delete", args=[day.pk])).status_code == 302
    assert not NonSchoolDay.objects.exists()
    actions = sorted(AuditEvent.objects.filter(action__startswith="calendar.day").values_list("action", flat=True))
    assert actions == ["calendar.day.create", "calendar.day.delete"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-12-05", "kind": "inset"}, "is a weekend day"),
        ({"date": "2027-05-03", "kind": "inset"}, "bank holiday (May Day)"),
        ({"date": "2026-12-22", "kind": "inset"}, "is not in any term"),
        ({"date": "2026-12-04", "kind": "snow"}, "Select a valid choice"),
        ({"date": "", "kind": "inset"}, "This field is required"),
    ],
)
def test_bad_days_are_refused_and_nothing_changes(world: World, client_for, autumn: Term, data, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.office).post(reverse("core:day_add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NonSchoolDay.objects.exists()


def test_a_day_marked_twice_is_refused(world: World, client_for, autumn: Term) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    client.post(reverse("core:day_add"), {"date": "2026-12-04", "kind": "inset"})
    response = client.post(reverse("core:day_add"), {"date": "2026-12-04", "kind": "planned_closure"})
    assert response.status_code == 400
    assert "already marked" in response.content.decode()
    assert NonSchoolDay.objects.get().kind == "inset"
