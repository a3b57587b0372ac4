"""Instructions are plain text with three kinds of formatting: line breaks, bullet lines and **bold**.

Everything is escaped first; only the tags this module writes itself reach the page.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_BULLET = ("- ", "* ", "• ")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def format_instructions(text: str) -> SafeString:
    parts: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            parts.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def flush_bullets() -> None:
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>")
            bullets.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if line.startswith(_BULLET):
            flush_paragraph()
            bullets.append(_inline(line[2:].strip()))
        elif not line:
            flush_paragraph()
            flush_bullets()
        else:
            flush_bullets()
            paragraph.append(_inline(line))
    flush_paragraph()
    flush_bullets()
    return mark_safe("".join(parts))
