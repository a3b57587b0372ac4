"""A member of staff disabled at Microsoft or Google loses access here too (issue 17, leavers): a session signed
in through the provider asks it again every SSO_RECHECK_SECONDS, by its refresh token."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialToken
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from homelearning.api.models import ApiToken
from homelearning.core.models import AuditEvent
from homelearning.sso import services
from tests.api.builders import live_token
from tests.sso.builders import microsoft_for, sign_in_with

pytestmark = [pytest.mark.django_db]


def run_worker() -> list[str]:
    """Run the queued rechecks as the worker would (the worker command itself closes the test's connection)."""
    from django_tasks_db.models import DBTaskResult

    from homelearning.sso.tasks import provider_recheck

    results = []
    for row in DBTaskResult.objects.filter(task_path="homelearning.sso.tasks.provider_recheck", status="READY"):
        row.delete()
        results.append(provider_recheck.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
    return results


def a_request_after_the_interval(client: Client, capture) -> int:  # type: ignore[no-untyped-def]
    cache.clear()  # the interval has passed
    with capture(execute=True):
        status = client.get(reverse("home")).status_code
    assert run_worker(), "a recheck was queued"
    return status


@pytest.fixture
def teacher_by_microsoft(world, oidc):  # type: ignore[no-untyped-def]
    sign_in = microsoft_for(world.school)
    oidc.sign_in_as("teacher@balfour.test", sub="teacher-sub")
    client = Client()
    sign_in_with(client, sign_in)
    assert client.get(reverse("home")).status_code == 200
    return client


def signed_out(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


class TestRecheck:
    def test_disabled_at_the_provider_ends_access_at_the_next_request(  # type: ignore[no-untyped-def]
        self, world, oidc, teacher_by_microsoft, django_capture_on_commit_callbacks
    ) -> None:
        token, _ = live_token(world.teacher)
        oidc.disabled.add("teacher-sub")
        a_request_after_the_interval(teacher_by_microsoft, django_capture_on_commit_callbacks)
        assert signed_out(teacher_by_microsoft)
        assert not world.staff(world.teacher).is_active
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        entry = AuditEvent.objects.get(action="staff.leave")
        assert entry.details["because"] == "provider"
        assert "AADSTS50057" in entry.details["description"]
        assert not SocialToken.objects.exists(), "a refused refresh token is not kept"

    def test_a_refused_refresh_for_another_reason_signs_them_out_but_keeps_the_membership(  # type: ignore[no-untyped-def]
        self, world, oidc, teacher_by_microsoft, django_capture_on_commit_callbacks
    ) -> None:
        oidc.disabled.add("teacher-sub")
        oidc.disabled_description = "AADSTS50173: The provided grant has expired due to it being revoked."
        a_request_after_the_interval(teacher_by_microsoft, django_capture_on_commit_callbacks)
        assert signed_out(teacher_by_microsoft)
        assert world.staff(world.teacher).is_active
        assert AuditEvent.objects.get(action="account.sessions_end").details["because"] == "provider"

    def test_an_account_that_still_works_stays_signed_in(  # type: ignore[no-untyped-def]
        self, world, oidc, teacher_by_microsoft, django_capture_on_commit_callbacks
    ) -> None:
        before = SocialToken.objects.get().token_secret
        a_request_after_the_interval(teacher_by_microsoft, django_capture_on_commit_callbacks)
        assert not signed_out(teacher_by_microsoft)
        assert SocialToken.objects.get().token_secret != before, "the rotated refresh token is kept"

    def test_no_recheck_within_the_interval(  # type: ignore[no-untyped-def]
        self, world, oidc, teacher_by_microsoft, django_capture_on_commit_callbacks
    ) -> None:
        oidc.disabled.add("teacher-sub")
        with django_capture_on_commit_callbacks(execute=True) as queued:
            teacher_by_microsoft.get(reverse("home"))
        assert queued == []

    def test_an_unreachable_provider_ends_nobodys_access(self, world, oidc, teacher_by_microsoft, settings) -> None:  # type: ignore[no-untyped-def]
        sign_in = microsoft_for(world.school)
        settings.SSO_CLIENTS = {"microsoft": settings.SSO_CLIENTS["microsoft"] | {"authority": "http://127.0.0.1:9"}}
        assert services.provider_recheck(user_id=world.teacher.pk, provider_id=sign_in.provider_id) == "unreachable"
        assert world.staff(world.teacher).is_active
        assert not signed_out(teacher_by_microsoft)

    def test_a_password_session_is_never_rechecked(
        self, world, oidc, client_for, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        microsoft_for(world.school)
        client = client_for(world.teacher)
        cache.clear()
        with django_capture_on_commit_callbacks(execute=True) as queued:
            client.get(reverse("home"))
        assert queued == []
