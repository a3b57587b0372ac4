from __future__ import annotations

from django import template

from homelearning.texts.phones import shown

register = template.Library()


@register.filter
def phone_shown(number: str) -> str:
    """A stored number (+447700900123) as people write it (07700 900123)."""
    return shown(number) if number else ""
