from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from homelearning.learning.formatting import format_instructions

register = template.Library()


@register.filter(name="instructions")
def instructions(text: str) -> SafeString:
    return format_instructions(text or "")


@register.filter(name="hours_minutes")
def hours_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return gettext("%(hours)d h") % {"hours": hours}
    return gettext("%(minutes)d min") % {"minutes": rest}
