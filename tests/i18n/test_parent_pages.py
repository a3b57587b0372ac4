"""Every page a parent reaches, in Polish, shows no English but the school's own data (issue 16).

The crawl of tests/test_link_crawl.py reaches each kind of parent page. Each is read twice, with the carer's
language set to Polish and to English: a piece of text that reads the same in both must be the school's own
words (a child's name, an activity's title, a subject), which are in the database, or a name kept in every
language (Home Learning, PDF). Anything else is a string nobody marked for translation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.db import models

from homelearning.people.models import Carer
from tests.personas import World
from tests.provision.builders import MON
from tests.test_link_crawl import busy, crawl  # noqa: F401 - the fixture, reused

# Names every language keeps as they are (docs/translations.md).
KEPT = {
    "home",
    "learning",
    "pdf",
    "pdfs",
    "jpeg",
    "png",
    "webp",
    "heic",
    "iphone",
    "uk",
    "gdpr",
    "ico",
    "org",
    "information",
    "commissioner",
    "office",
    "mailto",
    "https",
    "http",
    "www",
    "min",
    "am",
    "pm",
}
VISIBLE_ATTRIBUTES = {"aria-label", "alt", "title", "placeholder"}
WORD = re.compile(r"[A-Za-z]{2,}")


class _Text(HTMLParser):
    """The text a reader meets, leaving out scripts and anything marked as another language (`lang="en"`
    on the word "Language" kept for those who cannot read the page, each language's own name)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source"}

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.page_language = page_language
        self.pieces: list[str] = []
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        other = bool(named.get("lang")) and named["lang"] != self.page_language
        if tag in {"script", "style", "noscript"} or other:
            self._skip += 1
        if tag not in self.VOID:
            self._stack.append((tag, tag in {"script", "style", "noscript"} or other))
        if not self._skip:
            self.pieces.extend(v.strip() for k, v in attrs if k in VISIBLE_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            name, skipping = self._stack.pop()
            if skipping:
                self._skip -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.pieces.append(" ".join(data.split()))


def _texts(html: str, language: str) -> list[str]:
    parser = _Text(language)
    parser.feed(html)
    return parser.pieces


def _same_in_translation(language: str) -> set[str]:
    """Strings whose translation is spelt as the English is ("Menu" in Polish)."""

    from tests.i18n.test_catalogues import _po

    return {e.msgid for e in _po(language) if e.msgstr == e.msgid}


def _school_words() -> set[str]:
    """Every word in the database's text: names, titles, instructions, the agreement, the policy links."""
    words: set[str] = set()
    for model in apps.get_models():
        text = (models.CharField, models.TextField, models.JSONField)
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, text)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if value:
                    words.update(w.lower() for w in WORD.findall(str(value)))
    return words


def _set_language(world: World, code: str) -> None:
    Carer.objects.filter(user=world.parent).update(preferred_language=code)


@pytest.mark.parametrize("language", ["pl", "ar", "so"])
def test_no_english_is_left_on_a_parents_pages(busy: World, client_for, language: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_for(busy.parent)
    with time_machine.travel(f"{MON.isoformat()} 10:00 +0000", tick=False):
        _set_language(busy, language)
        pages = [url for url, status in crawl(client).items() if status == 200]
        school = _school_words()
        same = _same_in_translation(language)
        leftovers: dict[str, set[str]] = {}
        checked = 0
        for url in pages:
            _set_language(busy, language)
            translated = client.get(url)
            if "text/html" not in translated.get("Content-Type", ""):
                continue
            assert translated["Content-Language"] == language, url
            _set_language(busy, "en-gb")
            english = set(_texts(client.get(url).content.decode(), "en-gb"))
            checked += 1
            for text in _texts(translated.content.decode(), language):
                if text not in english or text in same:
                    continue  # translated
                stray = {w for w in WORD.findall(text) if w.lower() not in school and w.lower() not in KEPT}
                if stray:
                    leftovers.setdefault(text, set()).add(url)
    assert checked >= 12, pages
    assert leftovers == {}, "\n".join(f"{text!r} on {sorted(urls)[0]}" for text, urls in leftovers.items())
