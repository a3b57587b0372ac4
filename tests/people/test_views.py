"""The permission ladder for every people page: anonymous, wrong role, other school, right role."""

import datetime

import pytest

from homelearning.core.models import AuditEvent
from homelearning.people.models import PolicyVersion


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


class TestHome:
    def test_anonymous_goes_to_sign_in(self, world, client):
        assert client.get("/")["Location"] == "/accounts/login/"

    def test_teacher_sees_their_class_and_its_pupils(self, world, client_for):
        page = client_for(world.teacher).get("/").content.decode()
        assert "Oak" in page
        assert "Amy Parker" in page and "Cara Quinn" in page
        assert "Ben Parker" not in page, "Ben is in Ash, not the teacher's class"

    def test_headteacher_sees_the_school_overview(self, world, client_for):
        response = client_for(world.head).get("/")
        overview = response.context["overview"]
        assert overview.pupils_on_roll == 3
        assert [c.name for c in overview.classes] == ["Oak", "Ash"]
        assert overview.pupils_without_device == 1
        assert overview.pupils_with_ehc_plan == 1

    def test_parent_sees_their_children_by_first_name_only(self, world, client_for):
        page = client_for(world.parent).get("/").content.decode()
        assert "Amy" in page and "Ben" in page
        assert "Amelia" not in page
        assert "Cara" not in page

    def test_an_account_with_no_school_is_told_so(self, world, client_for):
        from homelearning.people.models import User

        stranger = User.objects.create_user("nobody@example.com")
        response = client_for(stranger).get("/")
        assert response.status_code == 403
        assert "not linked to a school" in response.content.decode()

    def test_home_page_queries_do_not_grow_with_pupils(self, world, client_for, django_assert_max_num_queries):
        from homelearning.people import services

        client = client_for(world.teacher)
        client.get("/")
        for n in range(20):
            services.pupil_create(
                school_class=world.oak,
                legal_first_name=f"Kid{n}",
                surname="Extra",
                date_of_birth=datetime.date(2020, 1, 1),
            )
        with django_assert_max_num_queries(15):
            client.get("/")


class TestClassPages:
    def test_anonymous(self, world, client):
        assert_login_redirect(client.get("/classes/"))
        assert_login_redirect(client.get(f"/classes/{world.oak.code}/"))

    def test_parents_are_refused(self, world, client_for):
        client = client_for(world.parent)
        assert client.get("/classes/").status_code == 403
        assert client.get(f"/classes/{world.oak.code}/").status_code == 403

    def test_a_teacher_sees_only_their_classes(self, world, client_for):
        client = client_for(world.teacher)
        assert [c.name for c in client.get("/classes/").context["classes"]] == ["Oak"]
        assert client.get(f"/classes/{world.oak.code}/").status_code == 200
        assert client.get(f"/classes/{world.ash.code}/").status_code == 404

    def test_another_schools_class_is_404_even_for_their_head(self, world, client_for):
        assert client_for(world.outsider_head).get(f"/classes/{world.oak.code}/").status_code == 404
        assert client_for(world.head).get(f"/classes/{world.outsider_class.code}/").status_code == 404

    def test_a_guessed_code_is_404(self, world, client_for):
        assert client_for(world.head).get("/classes/guessed-code/").status_code == 404

    @pytest.mark.parametrize("persona", ["head", "office", "dsl", "inclusion", "senior"])
    def test_whole_school_roles_see_every_class(self, world, client_for, persona):
        client = client_for(getattr(world, persona))
        assert {c.name for c in client.get("/classes/").context["classes"]} == {"Oak", "Ash"}
        response = client.get(f"/classes/{world.ash.code}/")
        assert [p.first_name for p in response.context["pupils"]] == ["Ben"]


class TestPupilPage:
    def url(self, pupil):
        return f"/pupils/{pupil.code}/"

    def test_anonymous(self, world, client):
        assert_login_redirect(client.get(self.url(world.amy)))

    def test_parent_cannot_use_the_staff_page(self, world, client_for):
        assert client_for(world.parent).get(self.url(world.amy)).status_code == 403

    def test_teacher_of_another_class_gets_404(self, world, client_for):
        assert client_for(world.teacher_ash).get(self.url(world.amy)).status_code == 404

    def test_other_school_gets_404(self, world, client_for):
        assert client_for(world.outsider_head).get(self.url(world.amy)).status_code == 404

    def test_class_teacher_sees_contacts_and_the_view_is_audited(self, world, client_for):
        response = client_for(world.ta).get(self.url(world.amy))
        assert response.status_code == 200
        page = response.content.decode()
        assert "pat.parker@example.com" in page
        assert "07700 900001" in page
        event = AuditEvent.objects.get(action="pupil.view", actor=world.ta)
        assert event.target_code == world.amy.code
        assert event.details == {"contact_details": True}

    def test_office_sees_contacts(self, world, client_for):
        assert "pat.parker@example.com" in client_for(world.office).get(self.url(world.ben)).content.decode()


class TestChildPage:
    def test_parent_sees_own_child(self, world, client_for):
        response = client_for(world.parent).get(f"/children/{world.amy.code}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Amy" in page and "Mr Teal" in page
        assert "Parker" not in page and "Amelia" not in page

    def test_parent_gets_404_for_someone_elses_child(self, world, client_for):
        assert client_for(world.parent).get(f"/children/{world.cara.code}/").status_code == 404
        assert client_for(world.outsider_parent).get(f"/children/{world.amy.code}/").status_code == 404

    def test_staff_who_are_not_parents_are_refused(self, world, client_for):
        assert client_for(world.teacher).get(f"/children/{world.amy.code}/").status_code == 403

    def test_anonymous(self, world, client):
        assert_login_redirect(client.get(f"/children/{world.amy.code}/"))


class TestStaffList:
    def test_ladder(self, world, client, client_for):
        assert_login_redirect(client.get("/staff/"))
        assert client_for(world.teacher).get("/staff/").status_code == 403
        assert client_for(world.parent).get("/staff/").status_code == 403
        page = client_for(world.office).get("/staff/").content.decode()
        assert "teacher@balfour.test" in page
        assert "teacher@elsewhere.test" not in page


class TestPolicyPage:
    url = "/policy/"

    def form(self, **changes):
        data = {
            "policy_date": "2025-12-01",
            "review_date": "2027-12-01",
            "live_max_children": "15",
            "live_max_minutes": "30",
            "daily_learning_minutes": "180",
            "vulnerable_contact_days": "7",
            "pack_due_school_days": "1",
            "school_day_ends": "15:30",
            "case_max_school_weeks": "6",
            "case_review_every_school_weeks": "2",
            "illness_alert_school_days": "15",
            "review_warning_days": "60",
        }
        data.update(changes)
        return data

    def test_defaults_are_the_policys_figures(self, world):
        policy = PolicyVersion.objects.get(school=world.school, in_force=True)
        assert (policy.live_max_children, policy.live_max_minutes, policy.daily_learning_minutes) == (15, 30, 180)
        assert policy.vulnerable_contact_days == 7
        assert (policy.policy_date, policy.review_date) == (datetime.date(2025, 12, 1), datetime.date(2027, 12, 1))

    def test_anonymous_and_parents(self, world, client, client_for):
        assert_login_redirect(client.get(self.url))
        assert client_for(world.parent).get(self.url).status_code == 403

    def test_staff_can_read_but_not_change(self, world, client_for):
        client = client_for(world.teacher)
        response = client.get(self.url)
        assert response.status_code == 200
        assert response.context["form"] is None
        assert client.post(self.url, self.form(live_max_children="30")).status_code == 403
        assert PolicyVersion.objects.get(school=world.school, in_force=True).live_max_children == 15

    def test_headteacher_publishes_a_new_version_and_the_old_is_kept(self, world, client_for):
        response = client_for(world.head).post(self.url, self.form(live_max_children="12"))
        assert response.status_code == 302
        versions = PolicyVersion.objects.filter(school=world.school).order_by("created_at")
        assert [(v.live_max_children, v.in_force) for v in versions] == [(15, False), (12, True)]
        assert PolicyVersion.objects.get(school=world.other_school, in_force=True).live_max_children == 15
        event = AuditEvent.objects.get(action="policy.publish")
        assert event.details == {"changed": {"live_max_children": "12"}}

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"live_max_children": "0"}, "greater than or equal to 1"),
            ({"live_max_minutes": "600"}, "less than or equal to 120"),
            ({"daily_learning_minutes": "lots"}, "Enter a whole number"),
            ({"review_date": "2025-01-01"}, "The review date must be after the policy date."),
            ({"school_day_ends": "25:99"}, "Enter a valid time"),
        ],
    )
    def test_bad_figures_are_explained_and_change_nothing(self, world, client_for, changes, message):
        response = client_for(world.head).post(self.url, self.form(**changes))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert PolicyVersion.objects.filter(school=world.school).count() == 1

    def test_review_warning(self, world, client_for, time_machine):
        time_machine.move_to(datetime.datetime(2027, 11, 1, 9, 0, tzinfo=datetime.UTC))
        page = client_for(world.head).get("/").content.decode()
        assert "due for review" in page
        time_machine.move_to(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC))
        assert "due for review" not in client_for(world.head).get("/").content.decode()


class TestSwitchSchool:
    def test_only_to_a_school_you_work_at(self, world, client_for):
        client = client_for(world.teacher)
        response = client.post("/switch-school", {"school": world.other_school.code}, follow=True)
        assert "not on the staff of that school" in response.content.decode()
        assert response.context["viewer"].school == world.school
        assert client.get("/switch-school").status_code == 405

    def test_trust_staff_switch_between_their_schools(self, world, client_for):
        from homelearning.people import services
        from homelearning.people.models import Role

        # A trust's schools can share one staff email domain.
        world.other_school.staff_email_domains = ["elsewhere.test", "balfour.test"]
        world.other_school.save(update_fields=["staff_email_domains"])
        services.staff_create(
            school=world.other_school,
            email="office@balfour.test",
            first_name="Olive",
            surname="Owen",
            roles=[Role.OFFICE],
        )
        client = client_for(world.office)
        assert {c.name for c in client.get("/classes/").context["classes"]} == {"Oak", "Ash"}
        client.post("/switch-school", {"school": world.other_school.code})
        assert {c.name for c in client.get("/classes/").context["classes"]} == {"Willow"}
        assert client.get(f"/classes/{world.oak.code}/").status_code == 404


class TestErrorPages:
    def test_403_explains_in_the_sites_layout(self, world, client_for):
        response = client_for(world.parent).get("/audit/")
        assert response.status_code == 403
        page = response.content.decode()
        assert "This page is for school staff." in page
        assert "Skip to main content" in page

    def test_404_in_the_sites_layout(self, world, client_for):
        response = client_for(world.parent).get(f"/children/{world.cara.code}/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
