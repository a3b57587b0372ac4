from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def viewer(request: HttpRequest) -> dict[str, object]:
    from django.utils.translation import get_language

    from homelearning.core.languages import language_name

    return {
        "viewer": getattr(request, "viewer", None),
        "demo_mode": settings.DEMO_MODE,
        "language_name": language_name(get_language()),
    }
