"""Each API token has its own rate limit (settings.API_RATE_LIMIT)."""

from __future__ import annotations

from tests.api.builders import bearer, live_token
from tests.core.test_settings import run_django

URL = "/api/v1/me"


def test_a_token_past_its_limit_gets_429_with_retry_after(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT = "3/min"
    _, secret = live_token(world.dsl)
    statuses = [client.get(URL, headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]


def test_the_limit_is_per_token(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT = "2/min"
    _, first = live_token(world.dsl)
    _, second = live_token(world.head)
    for _ in range(2):
        assert client.get(URL, headers=bearer(first)).status_code == 200
    assert client.get(URL, headers=bearer(first)).status_code == 429
    assert client.get(URL, headers=bearer(second)).status_code == 200


def test_a_bad_limit_setting_stops_start_up() -> None:
    result = run_django({"DEBUG": "true", "API_RATE_LIMIT": "lots"}, "check")
    assert result.returncode != 0
    assert "API_RATE_LIMIT must look like 300/min" in result.stderr
