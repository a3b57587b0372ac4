"""axe-core (bundled by axe-playwright-python) against the page a test has reached."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard the product claims.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.wait_for_load_state("load")
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return list(results.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail with each violation's id, help text and the selectors of the offending nodes."""
    violations = axe_violations(page)
    assert not violations, f"axe found {len(violations)} WCAG A/AA violation(s) on {page.url}:\n{describe(violations)}"
