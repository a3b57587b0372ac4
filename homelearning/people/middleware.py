from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from homelearning.people.viewer import Viewer


class ViewerMiddleware:
    """Attach `request.viewer`, loaded on first use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = SimpleLazyObject(lambda: Viewer.for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)


# Paths a person who must set up two-factor sign-in can still reach.
_MFA_SETUP_ALLOWED = ("/accounts/", "/static/", "/dev/outbox/")


class RequireMfaMiddleware:
    """Headteachers, senior leaders and DSLs must turn on an authenticator app before anything else.

    allauth asks for the code at every sign-in once an authenticator exists; this
    makes sure one exists.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_MFA_SETUP_ALLOWED)
            and request.viewer.needs_mfa  # type: ignore[attr-defined]
            and not _has_totp(request)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.TOTP).exists()
