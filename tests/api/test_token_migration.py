"""Tokens made before expiry existed get 90 days from when they were made (migration api 0002)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from homelearning.api.models import ApiToken
from tests.api.builders import live_token


@pytest.mark.django_db(transaction=True)
def test_old_tokens_get_ninety_days_from_when_they_were_made(world) -> None:  # type: ignore[no-untyped-def]
    token, _ = live_token(world.teacher)
    made = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_api_tokens")])
    try:
        old = executor.loader.project_state([("api", "0001_api_tokens")]).apps.get_model("api", "ApiToken")
        old.objects.filter(pk=token.pk).update(created_at=made, revoked_at=made)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = ApiToken.objects.get(pk=token.pk)
    assert migrated.expires_at == made + datetime.timedelta(days=90)
    assert migrated.revoked_because == ApiToken.RevokedBecause.OWNER
