from __future__ import annotations

from collections import Counter

from django import template
from django.urls import reverse

from homelearning.sso.apps_list import school_apps

register = template.Library()


@register.simple_tag
def sign_in_buttons() -> list[dict[str, str]]:
    """One button a school that signs staff in through Microsoft or Google: the school named only when two
    schools here use the same provider."""
    pairs = school_apps()
    shared = Counter(sign_in.provider for sign_in, _ in pairs)
    return [
        {
            "provider": sign_in.provider_name,
            "school": sign_in.school.name if shared[sign_in.provider] > 1 else "",
            "url": reverse("school_login", kwargs={"provider_id": app.provider_id}),
        }
        for sign_in, app in sorted(pairs, key=lambda p: (p[0].provider, p[0].school.name))
    ]
