from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from homelearning.people.models import User
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
    """Leaders, the DSL team, the office (everyone who can export) and any role the school adds must turn
    on an authenticator app before anything else: before any page, and so before any export.

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
            and not provider_mfa_passed(request)
            and not has_authenticator(request.user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def provider_mfa_passed(request: HttpRequest) -> bool:
    from homelearning.sso.stages import provider_mfa_passed as passed

    return passed(request)


def has_authenticator(user: User) -> bool:
    """Whether the person has an authenticator app (TOTP) set up."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class ViewerLanguageMiddleware:
    """Staff pages in English; a carer's pages in the carer's preferred language (issue 16).

    Runs after Django's LocaleMiddleware, which has already picked the sign-in page's choice (a cookie)
    or the browser's language; a carer with a preference set gets it instead, on every device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        from homelearning.core.languages import ENGLISH, carer_language

        if request.user.is_authenticated:
            viewer = request.viewer  # type: ignore[attr-defined]
            if viewer.is_staff:
                translation.activate(ENGLISH)
            elif chosen := carer_language(viewer.carer_records):
                translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
