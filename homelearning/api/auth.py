"""Bearer-token sign-in for the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from homelearning.api.access import unrevoked_token_for_secret
from homelearning.api.models import ApiToken
from homelearning.api.services import token_touch
from homelearning.core import clock
from homelearning.people.middleware import has_authenticator
from homelearning.people.viewer import Viewer
from homelearning.privacy.services import device_confirmed, devices_required


@dataclass(frozen=True)
class ApiCaller:
    """Who is calling: the token, and the same Viewer the web pages would build for its owner."""

    token: ApiToken
    viewer: Viewer


class TokenExpired(AuthenticationError):
    """A real token past its expiry: 401, with a message that says so and what to do."""

    def __init__(self, token: ApiToken) -> None:
        when = timezone.localtime(token.expires_at).strftime("%-d %B %Y")
        super().__init__(
            message=f"This API token expired on {when}. Make a new one on the API tokens page in Home Learning."
        )


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller | None:
        api_token = unrevoked_token_for_secret(token)
        if api_token is None:
            return None
        if api_token.expires_at <= clock.now():
            raise TokenExpired(api_token)
        staff = api_token.staff
        viewer = Viewer.for_user(staff.user, school_code=staff.school.code)
        # Viewer falls back to another membership when the school's is missing; a token never does.
        if viewer.staff is None or viewer.staff.pk != staff.pk:
            return None
        if viewer.needs_mfa and not has_authenticator(staff.user):
            # The same rule as the web pages (people.middleware): no second factor, no pupil data.
            raise HttpError(403, "Set up two-factor sign-in (an authenticator app) in Home Learning first.")
        if devices_required(staff.school_id) and not device_confirmed(staff, clock.today()):
            # The school holds pupil data back until this term's device checks are confirmed (DPR-04):
            # a token is no way round that.
            raise HttpError(403, "Confirm this term's device checks in Home Learning before using the API.")
        token_touch(token=api_token)
        return ApiCaller(token=api_token, viewer=viewer)


def caller_of(request: HttpRequest) -> ApiCaller:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiCaller):
        raise AuthenticationError
    return caller
