"""UK mobile numbers, checked with Google's libphonenumber (the `phonenumbers` package)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Ofcom keeps 07700 900000 to 900999 for drama: numbers of the right shape that reach nobody. libphonenumber
# calls them invalid; Home Learning takes them, so that the demo and the tests never name a real phone.
DRAMA_PREFIX = "+447700900"


def uk_mobile(raw: str) -> str:
    """`raw` ("07700 900123", "+44 7700 900123", "447700900123") as E.164 ("+447700900123"); else a
    ValidationError saying what is wrong."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(gettext("Enter a mobile number."), code="required")
    if text.startswith("44") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(gettext("Enter a UK mobile number, like 07700 900123."), code="invalid") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if e164.startswith(DRAMA_PREFIX) and len(e164) == 13:
        return e164
    if number.country_code != 44 or not phonenumbers.is_valid_number(number):
        raise ValidationError(gettext("Enter a UK mobile number, like 07700 900123."), code="invalid")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(gettext("That is a landline number: texts need a mobile number (07…)."), code="landline")
    return e164


def mobile_or_none(raw: str) -> str | None:
    """The number as E.164 if it is a valid UK mobile, else None (for numbers already on record)."""
    try:
        return uk_mobile(raw)
    except ValidationError:
        return None


def shown(e164: str) -> str:
    """+447700900123 as 07700 900123, as people write it."""
    if e164.startswith("+44") and len(e164) == 13:
        national = "0" + e164[3:]
        return f"{national[:5]} {national[5:]}"
    return e164
