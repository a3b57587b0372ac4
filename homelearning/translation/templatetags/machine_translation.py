"""`{{ activity|machine:"title" }}`: the field in the reader's language where a machine translated it
(translation.services.shown attached it), else as written. `{% machine_note activity "title" "instructions" %}`:
the visible "translated automatically" note with the original words, when anything of it was translated."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _found(obj: Any) -> dict[str, str]:
    return getattr(obj, "_machine_translations", None) or {}


@register.filter
def machine(obj: Any, field: str) -> str:
    return _found(obj).get(field) or getattr(obj, field, "") or ""


@register.filter
def machine_translated(obj: Any) -> bool:
    """Whether any field of `obj` shows a machine's translation (the printed pack says so in words)."""
    return bool(_found(obj))


@register.inclusion_tag("translation/_note.html")
def machine_note(obj: Any, *fields: str) -> dict[str, Any]:
    found = _found(obj)
    originals = [getattr(obj, f, "") for f in fields if f in found]
    return {"originals": originals}
