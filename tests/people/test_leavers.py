"""A member of staff who leaves loses access at their next request, whichever way they left (issue 17).

One test per path: removed on the staff page, marked as left in the staff file. (The MIS sync and the
identity provider's refusal have theirs in tests/roster/test_wonde_sync.py and tests/people/test_sso.py.)
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from homelearning.api.models import ApiToken
from homelearning.core.models import AuditEvent
from homelearning.people import services as people_services
from homelearning.people.models import Staff, User
from homelearning.roster.models import ImportKind
from tests.api.builders import live_token
from tests.roster.builders import committed, previewed

pytestmark = [pytest.mark.django_db]

NOW = datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client


def signed_out(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def leave_entry(staff: Staff) -> AuditEvent:
    return AuditEvent.objects.get(action="staff.leave", target_code=staff.code)


class TestAccessEnds:
    def test_removed_on_the_staff_page_signs_them_out_at_the_next_request(self, world) -> None:  # type: ignore[no-untyped-def]
        teacher = signed_in(world.teacher)
        token, _ = live_token(world.teacher)
        head = signed_in(world.head)
        response = head.post(reverse("people:staff_leave", args=[world.staff(world.teacher).code]))
        assert response.status_code == 302
        assert signed_out(teacher)
        assert ApiToken.objects.get(pk=token.pk).revoked_because == ApiToken.RevokedBecause.LEFT
        entry = leave_entry(world.staff(world.teacher))
        assert entry.details["because"] == "removed"
        assert entry.details["sessions_ended"] is True
        assert not signed_out(head), "the leader who removed them is still signed in"

    def test_every_session_of_theirs_ends_not_only_one(self, world) -> None:  # type: ignore[no-untyped-def]
        phone, laptop = signed_in(world.teacher), signed_in(world.teacher)
        people_services.staff_leave(staff=world.staff(world.teacher), by=world.head)
        assert signed_out(phone)
        assert signed_out(laptop)

    def test_a_new_sign_in_after_leaving_has_no_staff_access(self, world) -> None:  # type: ignore[no-untyped-def]
        people_services.staff_leave(staff=world.staff(world.teacher), by=world.head)
        client = Client()
        client.force_login(world.teacher)
        assert client.get(reverse("people:staff_list")).status_code in (302, 403, 404)

    def test_leaving_twice_writes_nothing_more(self, world) -> None:  # type: ignore[no-untyped-def]
        staff = world.staff(world.teacher)
        assert people_services.staff_access_end(staff=staff, by=world.head, because="removed")
        generation = User.objects.get(pk=world.teacher.pk).session_generation
        assert not people_services.staff_access_end(staff=staff, by=world.head, because="removed")
        assert User.objects.get(pk=world.teacher.pk).session_generation == generation
        assert AuditEvent.objects.filter(action="staff.leave", target_code=staff.code).count() == 1

    def test_other_people_keep_their_sessions(self, world) -> None:  # type: ignore[no-untyped-def]
        ta, parent = signed_in(world.ta), signed_in(world.parent)
        people_services.staff_leave(staff=world.staff(world.teacher), by=world.head)
        assert not signed_out(ta)
        assert not signed_out(parent)


STAFF_HEAD = b"Email,Forename,Surname,Roles,Left\n"


class TestStaffFile:
    def test_a_row_marked_left_is_previewed_then_ends_their_access(self, world) -> None:  # type: ignore[no-untyped-def]
        teacher = signed_in(world.teacher)
        token, _ = live_token(world.teacher)
        data = STAFF_HEAD + b"teacher@balfour.test,Tom,Teal,Teacher,Left\nta@balfour.test,Tara,Ash,TA,\n"
        batch = previewed(world.head, data, kind=ImportKind.STAFF)
        assert batch.preview["counts"]["staff_leave"] == 1
        assert [row["email"] for row in batch.preview["leavers"]] == ["teacher@balfour.test"]
        assert not signed_out(teacher), "a preview changes nothing"
        committed(world.head, data, kind=ImportKind.STAFF)
        assert signed_out(teacher)
        assert not world.staff(world.teacher).is_active
        assert world.staff(world.ta).is_active
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        entry = leave_entry(world.staff(world.teacher))
        assert entry.details["because"] == "import"
        assert entry.actor_id == world.head.pk

    @pytest.mark.parametrize(
        ("value", "leaves"),
        [("Yes", True), ("27/11/2026", True), ("2026-11-30", True), ("01/01/2027", False), ("Current", False)],
    )
    def test_a_leaving_date_counts_once_it_has_come(self, world, value: str, leaves: bool) -> None:  # type: ignore[no-untyped-def]
        data = STAFF_HEAD + f"teacher@balfour.test,Tom,Teal,Teacher,{value}\n".encode()
        committed(world.head, data, kind=ImportKind.STAFF)
        assert world.staff(world.teacher).is_active is not leaves

    def test_bad_rows_are_named_and_nothing_changes(self, world) -> None:  # type: ignore[no-untyped-def]
        data = (
            STAFF_HEAD
            + b"teacher@balfour.test,Tom,Teal,Teacher,Perhaps\n"
            + b"head@balfour.test,Helen,Hart,Headteacher,Left\n"
        )
        batch = previewed(world.head, data, kind=ImportKind.STAFF)
        messages = {(p["row"], p["column"]): p["message"] for p in batch.problems}
        assert "is not 'Left', blank or a date" in messages[(2, "Left")]
        assert "marks you as left" in messages[(3, "Left")]
        assert not batch.can_commit
        assert world.staff(world.teacher).is_active and world.staff(world.head).is_active

    def test_the_only_headteacher_cannot_be_marked_left(self, world) -> None:  # type: ignore[no-untyped-def]
        data = STAFF_HEAD + b"head@balfour.test,Helen,Hart,Headteacher,Left\n"
        batch = previewed(world.senior, data, kind=ImportKind.STAFF)
        assert "only headteacher" in batch.problems[0]["message"]
        assert world.staff(world.head).is_active

    def test_someone_already_gone_or_never_here_is_left_alone(self, world) -> None:  # type: ignore[no-untyped-def]
        people_services.staff_leave(staff=world.staff(world.teacher), by=world.head)
        data = STAFF_HEAD + b"teacher@balfour.test,Tom,Teal,Teacher,Left\nnobody@balfour.test,No,Body,Teacher,Left\n"
        batch = committed(world.head, data, kind=ImportKind.STAFF)
        assert batch.preview["applied"]["staff_left"] == 0
        assert not Staff.objects.filter(user__email="nobody@balfour.test").exists()
