"""Hold back pupil data from staff who have not confirmed this term's device checks, when the school asks;
and the Permissions-Policy header (Django's SecurityMiddleware sets the others)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from homelearning.core import clock
from homelearning.privacy.services import device_confirmed, devices_required

# Pages a member of staff can still reach before confirming: signing in and out, the confirmation
# itself, the policy pages, and static files.
_ALLOWED = ("/accounts/", "/static/", "/privacy/device", "/privacy/policy", "/privacy/notice", "/dev/outbox/")

# The app uses no camera, microphone, location or payment on its own origin (live sessions open the
# provider's page), so nothing embedded can ask for them either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


class DeviceConfirmationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(_ALLOWED):
            viewer = request.viewer  # type: ignore[attr-defined]
            staff = viewer.staff
            if staff is not None and devices_required(staff.school_id) and not device_confirmed(staff, clock.today()):
                return redirect(f"{reverse('privacy:device_confirm')}?next={request.path}")
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


LAST_SEEN_KEY = "privacy.last_seen"
# Refresh the stored time at most once a minute, so most requests do not write the session.
_TOUCH_SECONDS = 60


def mark_signed_in(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """`user_logged_in`: start the idle clock with the session."""
    request.session[LAST_SEEN_KEY] = int(time.time())


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_IDLE_MINUTES without a request: a school laptop left open is locked out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.viewer.staff is not None:  # type: ignore[attr-defined]
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - int(last) > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) > _TOUCH_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
