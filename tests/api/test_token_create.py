import hashlib

import pytest

from homelearning.api.models import ApiToken
from homelearning.api.services import MAX_LIVE_TOKENS, token_create, token_revoke
from homelearning.core.errors import PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent
from homelearning.people.models import Staff
from tests.api.builders import database_contains, live_token


def test_returns_the_secret_once_and_stores_only_its_hash(world):
    token, secret = live_token(world.teacher, name="  Reading records  ")
    assert secret.startswith("hl_")
    assert len(secret) > 40
    assert token.name == "Reading records"
    assert token.prefix == secret[:8]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.staff == Staff.objects.get(user=world.teacher)
    assert token.revoked_at is None
    assert token.last_used_at is None
    assert database_contains(secret) == []


def test_is_audited_without_the_secret(world):
    token, secret = live_token(world.teacher)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == world.teacher
    assert event.school == world.school
    assert event.target_code == token.code
    assert secret not in str(event.details) + event.target_label
    assert event.details["prefix"] == token.prefix


def test_secrets_differ(world):
    _, first = live_token(world.teacher)
    _, second = live_token(world.teacher)
    assert first != second


@pytest.mark.parametrize(
    ("name", "message"), [("", "Give the token a name"), ("   ", "Give the token a name"), ("x" * 81, "at most 80")]
)
def test_refuses_a_missing_or_long_name(world, name, message):
    staff = Staff.objects.get(user=world.teacher)
    with pytest.raises(ServiceError, match=message):
        token_create(staff=staff, name=name, by=world.teacher)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


def test_allows_eighty_characters(world):
    token, _ = live_token(world.teacher, name="x" * 80)
    assert len(token.name) == 80


def test_at_most_ten_live_tokens_per_membership(world):
    tokens = [live_token(world.teacher, name=f"Token {n}")[0] for n in range(MAX_LIVE_TOKENS)]
    staff = Staff.objects.get(user=world.teacher)
    with pytest.raises(ServiceError, match="already have 10 tokens"):
        token_create(staff=staff, name="One too many", by=world.teacher)
    assert ApiToken.objects.filter(staff=staff).count() == MAX_LIVE_TOKENS
    # Other people's tokens do not count against you.
    live_token(world.teacher_ash)
    # Revoking one frees a place.
    token_revoke(token=tokens[0], by=world.teacher)
    token, _ = token_create(staff=staff, name="Replacement", by=world.teacher)
    assert token.is_live


def test_nobody_makes_a_token_for_someone_else(world):
    staff = Staff.objects.get(user=world.teacher)
    with pytest.raises(PermissionRefused):
        token_create(staff=staff, name="Borrowed", by=world.head)
    assert not ApiToken.objects.exists()


def test_refuses_an_inactive_membership(world):
    staff = Staff.objects.get(user=world.teacher)
    Staff.objects.filter(pk=staff.pk).update(is_active=False)
    with pytest.raises(PermissionRefused):
        token_create(staff=staff, name="Leaver", by=world.teacher)
    assert not ApiToken.objects.exists()
