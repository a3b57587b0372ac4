"""Today's plan on a phone with no signal (issue 16): an installable web app whose service worker keeps the
last plan pages a parent loaded and shows them offline.

Only responses marked `Offline-Cacheable` are kept, and only parents' plan pages are marked (the home page, a
child's page and a child's day), so nothing a member of staff sees is ever stored on a device. Signing out
sends `Clear-Site-Data`, which empties the cache and removes the service worker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OFFLINE_HEADER = "Offline-Cacheable"
# Not a static file: it is served from the root (its scope) with the hashed names of the files it keeps.
_WORKER = Path(__file__).resolve().parent / "service-worker.js"


def offline_cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a parent's successful plan page as one the service worker may keep for offline use."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            mark_offline(response)
        return response

    return wrapped


def mark_offline(response: HttpResponse) -> HttpResponse:
    response[OFFLINE_HEADER] = "1"
    return response


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that it may keep pages from anywhere on the site."""
    assets = [static(name) for name in ("homelearning/site.css", "learning/learning.css", "homelearning/menu.js",
                                        "homelearning/errors.js", "learning/listen.js", "learning/offline.js",
                                        "django_htmx/htmx-2.min.js", "django_htmx/django-htmx.js")]  # fmt: skip
    offline_page = (
        f'<!doctype html><html lang="{get_language() or "en-GB"}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(_('No signal'))}</title><p>"
        + escape(
            _(
                "You are offline, and this page was not saved on this phone. "
                "Open the home page to see the plans saved here."
            )
        )
        + f' <a href="{reverse("home")}">{escape(_("Home"))}</a></p>'
    )
    script = (
        _WORKER.read_text(encoding="utf-8")
        .replace("__ASSETS__", _json(assets))
        .replace("__OFFLINE_PAGE__", _json(offline_page))
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Home Learning can be added to a phone's home screen."""
    data = {
        "name": "Home Learning",
        "short_name": "Home Learning",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f3f5f7",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("learning/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("learning/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/manifest+json"
    return response


def _json(value: object) -> str:
    return json.dumps(value)


class ClearSiteDataOnSignOut:
    """Signing out empties what this site stored in the browser: the offline plans and the service worker."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and request.path == reverse("account_logout"):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
