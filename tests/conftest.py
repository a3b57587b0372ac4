from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.personas import World, build_world


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits and TOTP replay protection live in the cache.
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """`client_for(user)`: a test client signed in as that persona (MFA already passed)."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    # The real hasher costs ~0.3 s a password by design; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
