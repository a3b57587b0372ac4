"""allauth's two-factor stage, which also accepts the provider's own multi-factor sign-in where the school
says it counts (SignInSettings.provider_mfa_counts, off by default: then Home Learning's code is asked too)."""

from __future__ import annotations

from allauth.mfa import stages
from django.http import HttpRequest

from homelearning.sso.adapter import SESSION_KEY


def provider_mfa_passed(request: HttpRequest) -> bool:
    """Whether this session signed in through the school's provider with a second factor the school accepts."""
    return bool((request.session.get(SESSION_KEY) or {}).get("mfa"))


class AuthenticateStage(stages.AuthenticateStage):
    def _should_handle(self, request: HttpRequest) -> bool:
        if provider_mfa_passed(request):
            return False
        return bool(super()._should_handle(request))
