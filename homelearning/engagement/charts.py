"""Bar charts drawn on the server as SVG: no script, no request to anyone, the same in the page and the PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from homelearning.engagement.report import Bar

WIDTH = 640
LABEL = 220
ROW = 26
BAR = 16


def bar_chart(bars: Sequence[Bar], *, title: str, maximum: int | None = None, unit: str = "") -> SafeString:
    """Horizontal bars, one a row, each labelled with its figure; a withheld figure draws no bar and says so."""
    if not bars:
        return SafeString("")
    top = maximum or max((b.value or 0 for b in bars), default=0) or 1
    area = WIDTH - LABEL - 70
    height = ROW * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = 5 + i * ROW
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR - 3}" text-anchor="end" font-size="13" fill="#1f2933">'
            f"{escape(label)}</text>"
        )
        if bar.value is None:
            parts.append(f'<text x="{LABEL}" y="{y + BAR - 3}" font-size="13" fill="#52606d">{escape(bar.text)}</text>')
            continue
        length = round(area * min(bar.value, top) / top)
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{max(length, 1)}" height="{BAR}" fill="#1d5f8a"></rect>')
        parts.append(
            f'<text x="{LABEL + length + 6}" y="{y + BAR - 3}" font-size="13" fill="#1f2933">'
            f"{escape(bar.text)}{escape(unit) if bar.text[-1:].isdigit() else ''}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308 B703 - every label and figure above went through escape()
