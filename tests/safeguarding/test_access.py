"""The permission ladder for every safeguarding page: anonymous, wrong role, other school, right role."""

from __future__ import annotations

import pytest

from homelearning.core.models import AuditEvent
from homelearning.people.viewer import Viewer
from homelearning.safeguarding.access import dsl_team, is_dsl_team, settings_for
from homelearning.safeguarding.models import SafeguardingSettings
from tests.personas import give_totp
from tests.safeguarding import builders


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


DSL_PAGES = [
    "/safeguarding/",
    "/safeguarding/vulnerable/",
    "/safeguarding/pupils/",
    "/safeguarding/alerts/",
    "/safeguarding/reports/acknowledgement",
]


@pytest.fixture
def records(world):
    concern = builders.raised_concern(world)
    record = builders.vulnerable(world, world.amy)
    alert = builders.new_alert(world)
    return {"concern": concern, "vulnerable": record, "alert": alert}


def coded_dsl_gets(world, records):
    return [
        f"/safeguarding/pupils/{world.amy.code}/chronology",
        f"/safeguarding/alerts/{records['alert'].code}/",
    ]


def coded_dsl_posts(records):
    c = records["concern"].code
    return [
        f"/safeguarding/concerns/{c}/acknowledge",
        f"/safeguarding/concerns/{c}/entries",
        f"/safeguarding/concerns/{c}/close",
        f"/safeguarding/vulnerable/{records['vulnerable'].code}/end",
        "/safeguarding/alerts/import",
    ]


class TestDslPages:
    def test_anonymous_is_sent_to_sign_in(self, world, client, records):
        for url in DSL_PAGES + coded_dsl_gets(world, records) + ["/safeguarding/concerns/", "/safeguarding/report"]:
            assert_login_redirect(client.get(url))
        for url in coded_dsl_posts(records):
            assert_login_redirect(client.post(url))

    @pytest.mark.parametrize("persona", ["teacher", "ta", "office", "senior", "inclusion", "teacher_ash"])
    def test_staff_without_the_role_are_refused(self, world, client_for, records, persona):
        client = client_for(getattr(world, persona))
        for url in DSL_PAGES + coded_dsl_gets(world, records):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "designated safeguarding lead" in response.content.decode()
        for url in coded_dsl_posts(records):
            assert client.post(url).status_code == 403, url
        assert not AuditEvent.objects.filter(action__endswith=".view", action__startswith="safeguarding.").exists()

    def test_parents_are_refused(self, world, client_for, records):
        client = client_for(world.parent)
        for url in DSL_PAGES + coded_dsl_gets(world, records) + ["/safeguarding/concerns/", "/safeguarding/contacts/"]:
            assert client.get(url).status_code == 403, url
        for url in coded_dsl_posts(records):
            assert client.post(url).status_code == 403, url

    def test_another_schools_head_gets_404_for_our_records(self, world, client_for, records):
        client = client_for(world.outsider_head)
        for url in coded_dsl_gets(world, records):
            assert client.get(url).status_code == 404, url
        for url in coded_dsl_posts(records)[:-1]:
            assert client.post(url).status_code == 404, url
        assert client.get(f"/safeguarding/concerns/{records['concern'].code}/").status_code == 404
        # Their own dashboard shows nothing of ours.
        page = client.get("/safeguarding/").content.decode()
        assert "Amy" not in page and "Parker" not in page

    @pytest.mark.parametrize("persona", ["dsl", "head"])
    def test_the_dsl_team_sees_every_page_and_each_view_is_audited(self, world, client_for, records, persona):
        user = getattr(world, persona)
        client = client_for(user)
        builders.confirm_mfa(client, user)
        for url in DSL_PAGES + coded_dsl_gets(world, records) + [f"/safeguarding/concerns/{records['concern'].code}/"]:
            assert client.get(url).status_code == 200, url
        actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
        assert {
            "safeguarding.dashboard.view",
            "safeguarding.vulnerable_list.view",
            "safeguarding.pupil_list.view",
            "safeguarding.alert_list.view",
            "safeguarding.chronology.view",
            "safeguarding.alert.view",
            "safeguarding.concern.view",
            "safeguarding.acknowledgement_report.view",
        } <= actions


class TestHeadteacherSetting:
    def test_a_head_who_is_not_the_dsl_sees_records_by_default(self, world, client_for, records):
        head = builders.head_only(world)
        give_totp(head)
        client = client_for(head)
        assert client.get("/safeguarding/").status_code == 200
        assert client.get(f"/safeguarding/concerns/{records['concern'].code}/").status_code == 200
        assert head.email in {s.user.email for s in dsl_team(world.school)}

    def test_the_school_can_turn_it_off(self, world, client_for, records):
        head = builders.head_only(world)
        give_totp(head)
        SafeguardingSettings.objects.filter(pk=settings_for(world.school).pk).update(headteacher_sees_records=False)
        client = client_for(head)
        assert client.get("/safeguarding/").status_code == 403
        assert client.get(f"/safeguarding/concerns/{records['concern'].code}/").status_code == 404
        assert head.email not in {s.user.email for s in dsl_team(world.school)}
        assert not is_dsl_team(Viewer.for_user(head))
        # world.head is also the DSL, so keeps access.
        assert is_dsl_team(Viewer.for_user(world.head))


class TestConcernPages:
    def test_staff_see_only_the_concerns_they_raised(self, world, client_for, records):
        mine = records["concern"]  # raised by world.teacher
        theirs = builders.raised_concern(world, by=world.teacher_ash, pupils=[world.ben])
        client = client_for(world.teacher)
        listed = client.get("/safeguarding/concerns/").context["concerns"]
        assert [c.code for c in listed] == [mine.code]
        page = client.get(f"/safeguarding/concerns/{mine.code}/")
        assert page.status_code == 200
        assert page.context["entries"] == [] and page.context["entry_form"] is None
        assert client.get(f"/safeguarding/concerns/{theirs.code}/").status_code == 404
        assert AuditEvent.objects.filter(action="safeguarding.concern.view", actor=world.teacher).count() == 1

    def test_the_dsl_sees_every_concern(self, world, client_for, records):
        builders.raised_concern(world, by=world.teacher_ash, pupils=[world.ben])
        assert len(client_for(world.dsl).get("/safeguarding/concerns/").context["concerns"]) == 2

    def test_raise_form_is_for_staff(self, world, client, client_for):
        assert_login_redirect(client.get("/safeguarding/concerns/new"))
        assert client_for(world.parent).get("/safeguarding/concerns/new").status_code == 403
        for persona in ("teacher", "ta", "office", "dsl"):
            assert client_for(getattr(world, persona)).get("/safeguarding/concerns/new").status_code == 200

    def test_missing_concern_is_404(self, world, client_for):
        assert client_for(world.dsl).get("/safeguarding/concerns/nope/").status_code == 404

    def test_carer_report_is_for_parents_only(self, world, client_for):
        assert client_for(world.parent).get("/safeguarding/report").status_code == 200
        assert client_for(world.teacher).get("/safeguarding/report").status_code == 403


class TestContactPages:
    def test_ladder(self, world, client, client_for):
        builders.vulnerable(world, world.amy)
        url = f"/safeguarding/pupils/{world.amy.code}/contact"
        assert_login_redirect(client.get(url))
        assert client_for(world.parent).get(url).status_code == 403
        assert client_for(world.teacher_ash).get(url).status_code == 404, "not Amy's class"
        assert client_for(world.office).get(url).status_code == 404
        assert client_for(world.outsider_head).get(url).status_code == 404
        teacher_form = client_for(world.teacher).get(url).context["form"]
        assert [v for v, _ in teacher_form.fields["contact_for"].choices] == ["teacher"]
        dsl_form = client_for(world.dsl).get(url).context["form"]
        assert [v for v, _ in dsl_form.fields["contact_for"].choices] == ["dsl"]

    def test_a_pupil_not_on_the_list_is_404(self, world, client_for):
        assert client_for(world.dsl).get(f"/safeguarding/pupils/{world.ben.code}/contact").status_code == 404

    def test_my_contacts_ladder(self, world, client, client_for):
        assert_login_redirect(client.get("/safeguarding/contacts/"))
        assert client_for(world.parent).get("/safeguarding/contacts/").status_code == 403
        assert client_for(world.teacher).get("/safeguarding/contacts/").status_code == 200


class TestNoApi:
    def test_safeguarding_is_not_in_the_api(self, world, client_for):
        from homelearning.api.api import api

        schema = api.get_openapi_schema()
        assert not [p for p in schema["paths"] if "safeguard" in p or "concern" in p]

    def test_edit_and_delete_attempts_through_the_api_are_refused(self, world, client, records):
        from tests.api.builders import bearer, live_token

        _, secret = live_token(world.dsl)
        code = records["concern"].code
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(f"/api/v1/concerns/{code}", **{"headers": bearer(secret)})
            assert response.status_code in (404, 405)
        assert AuditEvent.objects.filter(action="safeguarding.concern.raise").count() == 1


class TestSettingsPage:
    def test_the_dsl_turns_the_headteachers_access_off(self, world, client, client_for):
        assert_login_redirect(client.post("/safeguarding/settings"))
        response = client_for(world.dsl).post("/safeguarding/settings", {"headteacher_sees_records": "no"})
        assert response.status_code == 302
        assert settings_for(world.school).headteacher_sees_records is False
        assert AuditEvent.objects.filter(action="safeguarding.settings.change", actor=world.dsl).exists()

    def test_a_head_who_is_not_a_dsl_cannot_change_it(self, world, client_for):
        head = builders.head_only(world)
        give_totp(head)
        assert client_for(head).post("/safeguarding/settings", {"headteacher_sees_records": "yes"}).status_code == 403
        assert (
            client_for(world.teacher).post("/safeguarding/settings", {"headteacher_sees_records": "yes"}).status_code
            == 403
        )
        assert (
            client_for(world.parent).post("/safeguarding/settings", {"headteacher_sees_records": "yes"}).status_code
            == 403
        )

    def test_bad_input_changes_nothing(self, world, client_for):
        response = client_for(world.dsl).post(
            "/safeguarding/settings", {"headteacher_sees_records": "maybe"}, follow=True
        )
        assert "Nothing was changed." in response.content.decode()
        assert settings_for(world.school).headteacher_sees_records is True
        assert not AuditEvent.objects.filter(action="safeguarding.settings.change").exists()
