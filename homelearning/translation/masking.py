"""Keep personal data away from the translation provider (issue 16, step 2).

Before a text leaves for the provider, every name the school holds (its pupils', carers' and staff's first
names, preferred names and surnames), every email address, telephone number and web address in it is
replaced by a numbered placeholder the provider is told not to translate:

    "Well done Amy, ring 01632 960 123" -> 'Well done <span class="notranslate">0</span>, ring <span ...>1</span>'

The numbers go back to the words they stood for when the translation returns (`unmask`). Names are matched
whole-word and with their capital letter, so "Will" the boy is kept out but "will" the verb is translated.
A translation that lost or invented a placeholder is refused, and the original text shows instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"https?://\S+|www\.\S+"
# A telephone number: +44 or 0, then ten or so digits in any grouping (01632 960123, 07700-900-123, (01632) ...).
_PHONE = r"(?:\+44\s?|\(?0)[\d()\s-]{8,}\d"
_PLACEHOLDER = re.compile(r"""<span\s+class=["']notranslate["']\s*>\s*(\d+)\s*</span>""", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


class Mask:
    """The school's names as one pattern, built once for a batch of texts."""

    def __init__(self, names: Iterable[str]) -> None:
        words = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
        parts = [_EMAIL, _URL, _PHONE]
        if words:
            parts.append(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
        self.pattern = re.compile("|".join(f"(?:{p})" for p in parts))

    def mask(self, text: str) -> Masked:
        kept: list[str] = []
        out: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            out.append(_escape(text[last : match.start()]))
            out.append(f'<span class="notranslate">{len(kept)}</span>')
            kept.append(match.group(0))
            last = match.end()
        out.append(_escape(text[last:]))
        return Masked(html="".join(out), kept=tuple(kept))


@dataclass(frozen=True)
class Masked:
    html: str  # what the provider is sent: HTML-escaped text, placeholders, <br> for line breaks
    kept: tuple[str, ...]  # what each placeholder stands for, by number

    def unmask(self, translated: str) -> str | None:
        """The translation as plain text with the kept words back, or None if its placeholders do not match."""
        found = [int(n) for n in _PLACEHOLDER.findall(translated)]
        if sorted(found) != list(range(len(self.kept))):
            return None
        marker = "\x00"
        text = _PLACEHOLDER.sub(lambda m: f"{marker}{m.group(1)}{marker}", translated)
        text = _BREAK.sub("\n", text)
        text = html.unescape(_TAG.sub("", text))
        return re.sub(f"{marker}(\\d+){marker}", lambda m: self.kept[int(m.group(1))], text)


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
