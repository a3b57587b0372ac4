"""The shipped translations (issue 16): every parent-facing string is in every language, with the same
placeholders, the compiled catalogues match their sources, and nothing marked in the code is missing
from them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "homelearning" / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en-gb"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _dir(code: str) -> str:
    return code.replace("-gb", "_GB")


def _po(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / _dir(code) / "LC_MESSAGES" / "django.po"))


def test_eleven_languages_besides_english_are_shipped_with_arabic_and_urdu_right_to_left() -> None:
    assert set(SHIPPED) == {"pl", "ro", "ur", "pa", "bn", "ar", "pt", "so", "es", "uk"}
    assert {"ar", "ur"} <= set(settings.LANGUAGES_BIDI)


@pytest.mark.parametrize("code", SHIPPED)
def test_every_string_is_translated_with_the_same_placeholders(code: str) -> None:
    po = _po(code)
    english = {(e.msgctxt, e.msgid) for e in _po("en-gb")}
    assert {(e.msgctxt, e.msgid) for e in po} == english, "run `make messages`: the catalogues differ"
    problems = []
    for entry in po:
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(f.strip() for f in forms):
            problems.append(f"untranslated: {entry.msgid[:70]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for form in forms:
            got = set(PLACEHOLDER.findall(form))
            # A singular or dual form may spell the number out ("one day"); nothing may be added.
            if not got <= wanted or (wanted - got and not entry.msgid_plural):
                problems.append(f"placeholders {sorted(got)} for {sorted(wanted)}: {entry.msgid[:60]!r}")
    assert problems == []


@pytest.mark.parametrize("code", SHIPPED)
def test_unreviewed_translations_are_marked_fuzzy_and_listed_in_the_docs(code: str) -> None:
    """No speaker has reviewed these yet: each entry says so, and docs/translations.md names the language."""
    po = _po(code)
    docs = (Path(settings.BASE_DIR) / "docs" / "translations.md").read_text(encoding="utf-8")
    reviewed = re.search(rf"^\| {re.escape(code)} \|.*\| (reviewed|not reviewed) \|", docs, re.MULTILINE)
    assert reviewed, f"docs/translations.md has no row for {code}"
    if reviewed.group(1) == "not reviewed":
        assert all("fuzzy" in e.flags for e in po)


@pytest.mark.parametrize("code", [*SHIPPED, "en-gb"])
def test_the_compiled_catalogue_matches_its_source(code: str) -> None:
    """The .mo files are committed (the demo needs no gettext tools); they must be the .po compiled."""
    po = _po(code)
    mo = polib.mofile(str(LOCALE / _dir(code) / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    for entry in po:
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            continue
        got = compiled.get((entry.msgctxt, entry.msgid))
        assert got is not None, f"{code}: {entry.msgid[:60]!r} is not compiled: run `make messages`"
        if entry.msgid_plural:
            assert {int(k): v for k, v in got[1].items()} == {int(k): v for k, v in entry.msgstr_plural.items()}
        else:
            assert got[0] == entry.msgstr, f"{code}: {entry.msgid[:60]!r} is compiled stale: run `make messages`"


def test_every_string_marked_in_the_code_is_in_the_catalogues(tmp_path: Path) -> None:
    """makemessages on a copy of the code finds nothing the committed catalogues lack (or hold stale)."""
    assert shutil.which("xgettext"), "GNU gettext is missing: sudo bash scripts/install-system-packages.sh"
    copy = tmp_path / "homelearning"
    shutil.copytree(
        Path(settings.BASE_DIR) / "homelearning",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "migrations"),
    )
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--no-location", "-l", "pl"],
        cwd=tmp_path,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "pl" / "LC_MESSAGES" / "django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in _po("pl")}
    assert fresh - committed == set(), "marked in the code but not translated: run `make messages`"
    assert committed - fresh == set(), "in the catalogues but no longer in the code: run `make messages`"
