"""A parent's home page, kept: its news panels (closures today, feedback and calls, live sessions), the
children list, and each child's card around the day.

Every family of a school opens the home page on a snow-day morning, and these panels change a few times a
day at most, so they are rendered once and kept in the cache for a minute (issue 18: the page's throughput).
The key carries a version per school that each service changing what the panels show moves on at once, and
again when its transaction commits (so a page read in between cannot keep the old panels under the new
version): feedback given, a call asked for or made, a closure declared, changed or ended, and every change
to a live session or its invitations; and for the children list the roster services (a carer linked, class
staff assigned, staff leaving, an import committed). The minute bounds anything else, such as a session
ending on time.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

if TYPE_CHECKING:
    from homelearning.learning.today import ChildDay
    from homelearning.people.selectors import ChildSummary
    from homelearning.people.viewer import Viewer

PANEL_SECONDS = 60


def _version_key(school_id: int) -> str:
    return f"family:news:version:{school_id}"


def news_changed(school_id: int) -> None:
    """What the parents of this school see in their news panels has changed: rebuild them on the next look."""

    def bump() -> None:
        cache.set(_version_key(school_id), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def _stamp(school_ids: Iterable[int], *extra: str) -> str:
    """A short digest of these schools' current versions (and `extra`): one cache read."""
    schools = sorted(set(school_ids))
    versions = cache.get_many([_version_key(s) for s in schools])
    text = "|".join([*extra, ".".join(str(versions.get(_version_key(s), 0)) for s in schools)])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def panels(
    *, user_id: int, school_ids: Iterable[int], pupil_ids: Iterable[int], day: object, render: Callable[[], str]
) -> SafeString:
    """The rendered panels for this family today, from the cache when nothing has changed. Two cache reads."""
    pupils = ",".join(str(p) for p in sorted(set(pupil_ids)))
    key = f"family:panels:v1:{user_id}:{get_language()}:{day}:{_stamp(school_ids, pupils)}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, PANEL_SECONDS)
    return mark_safe(html)  # nosec B308 B703 - our own template's output, autoescaped when rendered


# Each child's card around the day's learning (name, class, teachers, links to other days, send work): some
# thirty links and translated phrases, the same all day. Kept a while per child and language, with a marker
# where the learning goes, so the (shared, cached) class day is never copied into every family's entry.
CARD_SECONDS = 15 * 60
DAY_MARKER = "<!--hl:child-day-->"
CARD_TEMPLATE = "core/_child_card.html"


def _card_key(child: ChildDay, viewer: Viewer) -> str:
    pupil = child.pupil
    parts = [
        get_language() or "",
        "parent" if viewer.is_parent else "",
        str(viewer.school.pk if viewer.school else ""),
        pupil.code,
        pupil.first_name,
        str(pupil.school_id),
        pupil.school.name,
        pupil.school_class.name,
        pupil.school_class.year_group.name,
        ";".join(t.display_name for t in child.teachers),
        child.date.isoformat(),
        child.previous_day.isoformat(),
        child.next_day.isoformat(),
        "day" if child.html else "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"family:card:v1:{digest}"


def child_cards(children: Sequence[ChildDay], viewer: Viewer) -> SafeString:
    """The children's cards for a parent's home page: each card's words and links from the cache (every input
    is in its key, so a card is never stale), with that child's day put in. One cache read for all of them."""
    keys = [_card_key(child, viewer) for child in children]
    found = cache.get_many(keys)
    missing: dict[str, str] = {}
    html = []
    for key, child in zip(keys, children, strict=True):
        card = found.get(key)
        if card is None:
            stand_in = replace(child, html=mark_safe(DAY_MARKER) if child.html else child.html)  # nosec B308 B703
            card = render_to_string(CARD_TEMPLATE, {"child": stand_in, "viewer": viewer})
            missing[key] = card
        html.append(card.replace(DAY_MARKER, child.html, 1) if child.html else card)
    if missing:
        cache.set_many(missing, CARD_SECONDS)
    return mark_safe('<ul class="cards" role="list">\n' + "".join(html) + "</ul>\n")  # nosec B308 B703


def children(*, user_id: int, school_ids: Iterable[int], load: Callable[[], list[ChildSummary]]) -> list[ChildSummary]:
    """A parent's children with their classes and teachers, kept a minute under the same per-school version.

    The roster services move it on (a child or a carer linked, class staff assigned, a member of staff leaving,
    an import committed), so a new child shows at once; the minute bounds the rest. Carer links are never
    removed by the app, so a cached list cannot show a child to a carer no longer linked to them.
    """
    key = f"family:children:v1:{user_id}:{_stamp(school_ids)}"
    found: list[ChildSummary] | None = cache.get(key)
    if found is None:
        found = load()
        cache.set(key, found, PANEL_SECONDS)
    return found
