from __future__ import annotations

import datetime
import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests import travel
from tests.fake_notify import notify  # noqa: F401 - a fake GOV.UK Notify, for any test that asks
from tests.fake_oidc import oidc  # noqa: F401 - a local OpenID Connect provider (Entra ID, Google)
from tests.fake_translator import azure  # noqa: F401 - a fake Azure AI Translator, for any test that asks
from tests.fake_wonde import wonde  # noqa: F401 - a local Wonde API
from tests.personas import World, build_world

_TRAVEL_KEY = pytest.StashKey[datetime.datetime]()


def pytest_configure(config: pytest.Config) -> None:
    """`TEST_TODAY=2027-08-02 make test` runs the whole session on that day (tests/travel.py)."""
    value = os.environ.get(travel.ENV, "").strip()
    if value:
        try:
            moment = travel.start_session_travel(value)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.stash[_TRAVEL_KEY] = moment


def pytest_report_header(config: pytest.Config) -> str:
    moment = config.stash.get(_TRAVEL_KEY, None)
    if moment is None:
        return "clock: the real date (set TEST_TODAY=YYYY-MM-DD to run the suite on another day)"
    return f"clock: {travel.ENV} — the whole session runs from {moment:%A %d %B %Y %H:%M %Z}"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits and TOTP replay protection live in the cache.
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Each test starts in the default language. A request activates the viewer's language and Django leaves
    it active in the thread afterwards, so a test that ends on a Polish parent's page would otherwise hand
    Polish to the next test that renders outside a request."""
    translation.deactivate()
    yield
    translation.deactivate()


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
