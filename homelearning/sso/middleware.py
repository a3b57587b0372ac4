from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from homelearning.sso.adapter import SESSION_KEY


class ProviderRecheckMiddleware:
    """A session signed in through the school's provider asks it again, every SSO_RECHECK_SECONDS, whether the
    account still works: a member of staff disabled at Microsoft or Google is signed out here too (issue 17)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in_by = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if signed_in_by and cache.add(f"sso-recheck:{request.user.pk}", 1, settings.SSO_RECHECK_SECONDS):
            from homelearning.sso.tasks import provider_recheck

            user_id, provider_id = int(request.user.pk or 0), str(signed_in_by["provider_id"])
            transaction.on_commit(lambda: provider_recheck.enqueue(user_id, provider_id))
        return self.get_response(request)


class ProviderFormActionMiddleware:
    """The sign-in page's "Sign in with …" forms post here and are redirected on to the provider; browsers check
    a form's redirects against the page's form-action, so the sign-in page allows the providers in use.
    (Listed after CSPMiddleware, so that the policy is built from the response this leaves.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path == reverse("account_login"):
            from homelearning.sso.apps_list import provider_origins

            origins = provider_origins()
            if origins:
                response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response
