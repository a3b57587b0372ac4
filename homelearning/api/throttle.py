"""A rate limit per API token: a runaway script cannot starve the school's pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from homelearning.api.auth import ApiCaller


class TokenRateThrottle(SimpleRateThrottle):
    """settings.API_RATE_LIMIT ("300/min") per token, counted in the cache (Redis in production)."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read per request so a changed setting applies without rebuilding the API object.
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if not isinstance(caller, ApiCaller):
            return None  # not signed in: refused by the authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": caller.token.pk}
