"""{{ code|language_label }}: a carer's language as staff read it ("Polski (Polish)")."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

from homelearning.core.languages import language_name

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    if not code:
        return "Not chosen (English)"
    own = language_name(code)
    english = get_language_info(code)["name"]
    return own if own == english else f"{own} ({english})"


@register.filter
def bcp47(code: str) -> str:
    """Django's "en-gb" as the tag HTML and speech voices use: "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language
