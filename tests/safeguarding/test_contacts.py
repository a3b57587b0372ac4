"""Weekly contacts with vulnerable pupils in remote education: due, done, overdue; logging; the morning digest."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from homelearning.core.models import AuditEvent, OutboundEmail, Term
from homelearning.people.models import Pupil
from homelearning.safeguarding import selectors, services
from homelearning.safeguarding.models import AppendOnlyError, Contact, VulnerablePupil
from homelearning.safeguarding.selectors import DONE, DUE, OVERDUE, contact_statuses
from homelearning.safeguarding.tasks import overdue_contacts_digest
from tests.safeguarding import builders

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
NOON = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def pupil(pk: int, name: str) -> Pupil:
    return Pupil(pk=pk, legal_first_name=name, surname="Test", school_class_id=1)


class TestContactStatuses:
    """The pure rule, with the set of pupils in remote education given."""

    def statuses(self, *, last=None, since=datetime.date(2026, 10, 1), remote=(1,), every=7, **kwargs):
        pupils = {1: pupil(1, "Amy")}
        rows = contact_statuses(
            vulnerable_since={1: since},
            pupils=pupils,
            last_contacts=last or {},
            remote_pupil_ids=remote,
            every_days=every,
            today=TODAY,
            **kwargs,
        )
        return {r.by: r for r in rows}

    def test_a_due_date_on_a_weekend_comes_forward_to_the_friday(self):
        # Added on Saturday 21 November: seven days on is Saturday 28th; due Friday 27th instead.
        rows = self.statuses(since=datetime.date(2026, 11, 21))
        assert rows["teacher"].due_on == datetime.date(2026, 11, 27)
        assert rows["teacher"].due_on.weekday() == 4
        # A contact made on Sunday 22nd: due Friday 27th, not Sunday 29th.
        rows = self.statuses(last={(1, "dsl"): datetime.date(2026, 11, 22)})
        assert rows["dsl"].due_on == datetime.date(2026, 11, 27)

    def test_a_due_date_when_the_school_is_shut_comes_forward_to_the_last_open_day(self):
        inset = datetime.date(2026, 11, 26)  # Thursday
        rows = self.statuses(
            last={(1, "teacher"): datetime.date(2026, 11, 19)},
            is_working_day=lambda day: day.weekday() < 5 and day != inset,
        )
        assert rows["teacher"].due_on == datetime.date(2026, 11, 25)

    def test_every_due_date_over_a_year_is_a_working_day(self):
        for offset in range(366):
            since = datetime.date(2026, 1, 1) + datetime.timedelta(days=offset)
            for every in (5, 7, 14):
                rows = self.statuses(since=since, every=every)
                assert rows["teacher"].due_on.weekday() < 5, (since, every)

    def test_never_contacted_since_long_ago_is_overdue_for_both(self):
        rows = self.statuses()
        assert rows["teacher"].status == OVERDUE and rows["dsl"].status == OVERDUE

    def test_newly_added_is_due_within_the_period(self):
        rows = self.statuses(since=TODAY - datetime.timedelta(days=3))
        assert rows["teacher"].status == DUE
        # Seven days after Sunday 22nd is a Sunday: due the Friday before.
        assert rows["teacher"].due_on == TODAY + datetime.timedelta(days=2)

    def test_a_contact_in_the_last_seven_days_is_done_and_the_next_is_due_seven_days_on(self):
        rows = self.statuses(last={(1, "teacher"): TODAY - datetime.timedelta(days=6)})
        assert rows["teacher"].status == DONE
        assert rows["teacher"].due_on == TODAY + datetime.timedelta(days=1)
        assert rows["dsl"].status == OVERDUE, "the teacher's contact does not count for the DSL"

    def test_exactly_seven_days_ago_is_due_today_and_eight_is_overdue(self):
        assert self.statuses(last={(1, "dsl"): TODAY - datetime.timedelta(days=7)})["dsl"].status == DUE
        assert self.statuses(last={(1, "dsl"): TODAY - datetime.timedelta(days=8)})["dsl"].status == OVERDUE

    def test_pupils_not_in_remote_education_need_no_contact(self):
        assert self.statuses(remote=()) == {}

    def test_the_policy_period_is_used(self):
        rows = self.statuses(last={(1, "dsl"): TODAY - datetime.timedelta(days=10)}, every=14)
        assert rows["dsl"].status == DONE


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def all_remote(monkeypatch):
    """Everyone on the list counts as in remote education (provision is tested on its own)."""
    monkeypatch.setattr(selectors, "remote_pupil_ids", lambda school, **kw: set(kw["pupil_ids"]))


class TestLogContact:
    def test_the_class_teacher_logs_their_contact(self, world, client_for, at_noon, all_remote):
        builders.vulnerable(world, world.amy)
        response = client_for(world.teacher).post(
            f"/safeguarding/pupils/{world.amy.code}/contact",
            {
                "contact_for": "teacher",
                "contacted_at": "2026-11-25T10:30",
                "method": "phone",
                "spoke_to_child": "yes",
                "outcome": "Amy is well and doing her reading.",
            },
        )
        assert response.status_code == 302
        contact = Contact.objects.get()
        assert contact.by == "teacher" and contact.spoke_to_child is True and contact.method == "phone"
        assert AuditEvent.objects.filter(action="safeguarding.contact.log", actor=world.teacher).exists()
        rows = selectors.teacher_contacts(world.staff(world.teacher), today=TODAY)
        assert [(r.pupil.pk, r.status) for r in rows] == [(world.amy.pk, DONE)]

    def test_a_teacher_cannot_log_the_dsl_contact(self, world, client_for, at_noon):
        builders.vulnerable(world, world.amy)
        response = client_for(world.teacher).post(
            f"/safeguarding/pupils/{world.amy.code}/contact",
            {
                "contact_for": "dsl",
                "contacted_at": "2026-11-25T10:30",
                "method": "phone",
                "spoke_to_child": "no",
                "outcome": "x",
            },
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Contact.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"outcome": ""}, "Record the outcome of the contact."),
            ({"spoke_to_child": ""}, "Say whether you spoke to the child."),
            ({"method": "pigeon"}, "Select a valid choice"),
            ({"contacted_at": "2026-12-25T10:00"}, "This cannot be in the future."),
            ({"contacted_at": "soon"}, "Enter a valid date/time."),
        ],
    )
    def test_bad_input(self, world, client_for, at_noon, overrides, message):
        builders.vulnerable(world, world.amy)
        data = {
            "contact_for": "dsl",
            "contacted_at": "2026-11-25T10:30",
            "method": "video",
            "spoke_to_child": "yes",
            "outcome": "Fine.",
        }
        data.update(overrides)
        response = client_for(world.dsl).post(f"/safeguarding/pupils/{world.amy.code}/contact", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Contact.objects.exists()

    def test_a_concern_from_a_contact_goes_to_the_concern_form_with_the_contact_as_source(
        self, world, client_for, at_noon
    ):
        builders.vulnerable(world, world.amy)
        response = client_for(world.dsl).post(
            f"/safeguarding/pupils/{world.amy.code}/contact",
            {
                "contact_for": "dsl",
                "contacted_at": "2026-11-25T10:30",
                "method": "doorstep",
                "spoke_to_child": "no",
                "outcome": "Not allowed to see Amy.",
                "raise_concern": "on",
            },
        )
        contact = Contact.objects.get()
        assert response.status_code == 302
        assert "source_type=contact" in response["Location"] and contact.code in response["Location"]
        assert world.amy.code in response["Location"]

    def test_contacts_are_append_only(self, world, at_noon):
        builders.vulnerable(world, world.amy)
        contact = builders.contact(world, world.amy, by=world.teacher, kind="teacher")
        with pytest.raises(AppendOnlyError):
            Contact.objects.filter(pk=contact.pk).update(outcome="changed")
        with pytest.raises(AppendOnlyError):
            contact.delete()


class TestVulnerableList:
    def test_the_dsl_adds_and_ends(self, world, client_for):
        client = client_for(world.dsl)
        response = client.post(
            "/safeguarding/vulnerable/",
            {"pupil": world.cara.code, "reason": "ehc-plan", "started_on": "2026-09-01", "note": ""},
        )
        assert response.status_code == 302
        record = VulnerablePupil.objects.get()
        assert record.reason.slug == "ehc-plan"
        response = client.post(f"/safeguarding/vulnerable/{record.code}/end", {"ended_on": "2026-11-20"})
        record.refresh_from_db()
        assert record.ended_on == datetime.date(2026, 11, 20)

    def test_reasons_are_data(self, world):
        from homelearning.safeguarding.models import VulnerabilityReason

        assert set(VulnerabilityReason.objects.values_list("name", flat=True)) == {
            "Child protection plan",
            "Child in need",
            "Looked after child",
            "EHC plan",
            "Young carer",
            "Other",
        }

    def test_bad_input(self, world, client_for):
        client = client_for(world.dsl)
        response = client.post("/safeguarding/vulnerable/", {"pupil": world.outsider_pupil.code, "reason": "nope"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Choose a child of this school." in page and "Give the start date." in page
        builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        response = client.post(
            "/safeguarding/vulnerable/", {"pupil": world.amy.code, "reason": "cp-plan", "started_on": "2026-10-01"}
        )
        assert "already on the list for this reason" in response.content.decode()
        assert VulnerablePupil.objects.count() == 1

    def test_ending_before_the_start_is_refused(self, world, client_for):
        record = builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        response = client_for(world.dsl).post(
            f"/safeguarding/vulnerable/{record.code}/end", {"ended_on": "2026-08-01"}, follow=True
        )
        assert "cannot be before the start date" in response.content.decode()
        record.refresh_from_db()
        assert record.ended_on is None


class TestDashboard:
    def test_due_done_and_overdue_per_teacher_and_for_the_dsl(self, world, client_for, at_noon, all_remote):
        builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        builders.vulnerable(world, world.ben, since=TODAY - datetime.timedelta(days=2))
        builders.contact(world, world.amy, by=world.teacher, kind="teacher", at=NOON - datetime.timedelta(days=1))
        builders.raised_concern(world)
        response = client_for(world.dsl).get("/safeguarding/")
        overview = response.context["overview"]
        by_teacher = {name: [(r.pupil.first_name, r.status) for r in rows] for name, rows in overview.by_teacher}
        assert by_teacher == {"Miss Birch": [("Ben", DUE)], "Mr Teal": [("Amy", DONE)]}
        assert [(r.pupil.first_name, r.status) for r in overview.dsl] == [("Amy", OVERDUE), ("Ben", DUE)]
        page = response.content.decode()
        assert "Open concerns" in page and "Not yet" in page
        assert len(response.context["concerns"]) == 1

    def test_only_pupils_in_remote_education_are_due(self, world, client_for, at_noon, monkeypatch):
        builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        builders.vulnerable(world, world.ben, since=datetime.date(2026, 9, 1))
        monkeypatch.setattr(selectors, "remote_pupil_ids", lambda school, **kw: {world.ben.pk})
        overview = client_for(world.dsl).get("/safeguarding/").context["overview"]
        assert [r.pupil.first_name for r in overview.dsl] == ["Ben"]

    def test_with_provision_a_closed_class_is_in_remote_education(self, world, client_for, at_noon):
        from homelearning.provision.services import closure_declare

        Term.objects.create(
            school=world.school,
            name="Autumn",
            first_day=datetime.date(2026, 9, 2),
            last_day=datetime.date(2026, 12, 18),
        )
        builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        builders.vulnerable(world, world.ben, since=datetime.date(2026, 9, 1))
        closure_declare(
            by=world.staff(world.head),
            reason="extreme_weather",
            scope="classes",
            first_day=datetime.date(2026, 11, 24),
            last_day=datetime.date(2026, 11, 26),
            classes=[world.oak],
        )
        overview = selectors.contacts_overview(world.school, today=TODAY)
        assert overview.remote_known
        assert [r.pupil.first_name for r in overview.dsl] == ["Amy"]

    def test_dashboard_queries_do_not_grow_with_pupils(
        self, world, client_for, at_noon, all_remote, django_assert_max_num_queries
    ):
        from homelearning.people.services import pupil_create

        client = client_for(world.dsl)
        for n in range(15):
            p = pupil_create(
                school_class=world.oak,
                legal_first_name=f"Kid{n}",
                surname="Extra",
                date_of_birth=datetime.date(2020, 1, 1),
            )
            builders.vulnerable(world, p)
            builders.contact(world, p, by=world.teacher, kind="teacher")
            builders.raised_concern(world, pupils=[p])
        # 25 before issue 18; each child's engagement beside the contacts adds a fixed 5 (engagement_for).
        with django_assert_max_num_queries(30):
            assert client.get("/safeguarding/").status_code == 200


class TestDigest:
    def test_overdue_contacts_are_emailed_to_the_dsl_team_without_concern_details(self, world, at_noon, all_remote):
        builders.vulnerable(world, world.amy, since=datetime.date(2026, 9, 1))
        builders.raised_concern(world)
        OutboundEmail.objects.all().delete()
        assert overdue_contacts_digest.call() == 2
        emails = OutboundEmail.objects.filter(kind="safeguarding.overdue_contacts")
        assert sorted(e.to for e in emails) == ["dsl@balfour.test", "head@balfour.test"]
        body = emails[0].body_text
        assert "Amy Parker (Oak)" in body and "class teacher" in body and "DSL team" in body
        assert "no food" not in body and "Neglect" not in body

    def test_nothing_overdue_sends_nothing(self, world, at_noon, all_remote):
        builders.vulnerable(world, world.amy, since=TODAY)
        assert overdue_contacts_digest.call() == 0
        assert not OutboundEmail.objects.filter(kind="safeguarding.overdue_contacts").exists()


def test_time_is_aware(world):
    assert timezone.is_aware(timezone.now())
    assert services.site_url("/x").endswith("/x")


def test_the_schools_calendar_decides_which_days_are_working_days():
    from homelearning.core.calendar import SchoolCalendar

    inset = datetime.date(2026, 11, 26)
    calendar = SchoolCalendar(
        terms=((datetime.date(2026, 9, 3), datetime.date(2026, 12, 18)),), closed=frozenset({inset})
    )
    working = calendar.is_working_day
    assert working(datetime.date(2026, 11, 25))
    assert not working(inset)  # an INSET day in term
    assert not working(datetime.date(2026, 11, 28))  # a Saturday
    assert working(datetime.date(2026, 12, 22))  # a weekday after the terms entered
    assert not working(datetime.date(2026, 12, 25))  # Christmas Day, a bank holiday
