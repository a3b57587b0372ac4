import pytest

from homelearning.api.models import ApiToken
from homelearning.api.services import token_revoke
from homelearning.core.errors import InvalidTransition
from homelearning.core.models import AuditEvent
from tests.api.builders import live_token


def test_revokes_and_audits(world):
    token, secret = live_token(world.teacher)
    revoked = token_revoke(token=token, by=world.teacher)
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == world.teacher
    assert not revoked.is_live
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == world.teacher
    assert event.school == world.school
    assert event.target_code == token.code
    assert secret not in str(event.details)


def test_revoking_twice_is_a_conflict_and_changes_nothing(world):
    token, _ = live_token(world.teacher)
    first = token_revoke(token=token, by=world.teacher)
    with pytest.raises(InvalidTransition, match="already revoked"):
        token_revoke(token=token, by=world.head)
    again = ApiToken.objects.get(pk=token.pk)
    assert again.revoked_at == first.revoked_at
    assert again.revoked_by == world.teacher
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
