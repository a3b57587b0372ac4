import pytest

from homelearning.core.audit import audit, client_ip
from homelearning.core.models import AppendOnlyError, AuditEvent


def test_audit_records_actor_target_and_school(world, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    event = audit(action="pupil.view", actor=world.teacher, school=world.school, target=world.amy, request=request)
    assert event.actor_label == "teacher@balfour.test"
    assert event.target_type == "people.pupil"
    assert event.target_code == world.amy.code
    assert event.ip == "192.0.2.10"


def test_audit_events_cannot_be_changed_or_deleted(world):
    event = audit(action="x.test", actor=world.head, school=world.school)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.test"


def test_forwarded_for_is_trusted_only_behind_our_own_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"


class TestAuditPage:
    url = "/audit/"

    def test_anonymous_is_sent_to_sign_in(self, world, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("persona", ["teacher", "office", "senior", "parent"])
    def test_other_roles_are_refused(self, world, client_for, persona):
        assert client_for(getattr(world, persona)).get(self.url).status_code == 403

    def test_headteacher_sees_their_school_only(self, world, client_for):
        audit(action="secret.other", actor=world.outsider_head, school=world.other_school)
        audit(action="pupil.view", actor=world.teacher, school=world.school, target=world.amy)
        response = client_for(world.head).get(self.url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "teacher@balfour.test" in page
        assert "secret.other" not in page

    def test_search_by_actor_action_and_record(self, world, client_for):
        audit(action="pupil.view", actor=world.teacher, school=world.school, target=world.amy)
        audit(action="staff.create", actor=world.head, school=world.school, target=world.staff(world.ta))
        client = client_for(world.head)
        events = client.get(self.url, {"actor": "teacher@"}).context["page"].object_list
        assert {e.action for e in events} == {"pupil.view"}
        events = client.get(self.url, {"action": "staff."}).context["page"].object_list
        assert {e.action for e in events} == {"staff.create"}
        events = client.get(self.url, {"target": world.amy.code}).context["page"].object_list
        assert {e.target_code for e in events} == {world.amy.code}
        assert "pupil.view" in {e.action for e in events}

    def test_bad_dates_are_explained_not_500(self, world, client_for):
        client = client_for(world.head)
        response = client.get(self.url, {"date_from": "2026-12-01", "date_to": "2026-11-01"})
        assert response.status_code == 200
        assert "must be on or before" in response.content.decode()
        response = client.get(self.url, {"date_from": "not-a-date", "page": "999"})
        assert response.status_code == 200
        assert "Enter a valid date" in response.content.decode()

    def test_other_schools_headteacher_sees_none_of_ours(self, world, client_for):
        audit(action="pupil.view", actor=world.teacher, school=world.school, target=world.amy)
        page = client_for(world.outsider_head).get(self.url).content.decode()
        assert world.amy.code not in page
        assert "teacher@balfour.test" not in page
