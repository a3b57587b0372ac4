from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def viewer(request: HttpRequest) -> dict[str, object]:
    return {"viewer": getattr(request, "viewer", None), "demo_mode": settings.DEMO_MODE}
