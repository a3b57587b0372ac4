"""Fill a language's catalogue from a numbered list of translations (issue 16; docs/translations.md).

    python scripts/fill_translations.py pl /path/to/pl.txt

The list has one line per message, "N<TAB>translation", numbered as `--list` prints the English
(plural forms joined by " ||| ", newlines written as \\n). Every entry it fills is marked fuzzy: no
speaker has reviewed it yet. A placeholder missing from a translation, or one added, stops the run.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "homelearning" / "locale"
PLURALS = {
    "en_GB": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "ur": "nplurals=2; plural=(n != 1);",
    "pa": "nplurals=2; plural=(n != 1);",
    "bn": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "so": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"), wrapwidth=120)


def main() -> None:
    if sys.argv[1] == "--list":
        for i, entry in enumerate(catalogue("pl")):
            text = entry.msgid + (" ||| " + entry.msgid_plural if entry.msgid_plural else "")
            print(f"{i}\t{text}".replace("\n", "\\n"))
        return
    lang, source = sys.argv[1], Path(sys.argv[2])
    po = catalogue(lang)
    po.metadata["Plural-Forms"] = PLURALS[lang]
    po.metadata["Language"] = lang
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    nplurals = int(PLURALS[lang].split("nplurals=")[1].split(";")[0])
    entries = list(po)
    problems = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        number, text = line.split("\t", 1)
        entry = entries[int(number)]
        text = text.replace("\\n", "\n")
        forms = [f.strip(" ") for f in text.split(" ||| ")]
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for form in forms:
            got = set(PLACEHOLDER.findall(form))
            # A singular form may leave out the number ("one day"); nothing else may be missing or added.
            if not got <= wanted or (wanted - got and not entry.msgid_plural):
                problems.append(f"{number}: placeholders {sorted(got)} but the English has {sorted(wanted)}")
        if entry.msgid_plural:
            if len(forms) == 1:
                forms = forms * nplurals
            while len(forms) < nplurals:
                forms.append(forms[-1])
            entry.msgstr_plural = {i: forms[i] for i in range(nplurals)}
        else:
            entry.msgstr = forms[0]
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
    if problems:
        sys.exit("\n".join(problems))
    po.save()
    missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
    print(f"{lang}: {len(entries) - len(missing)} of {len(entries)} translated")
    for msgid in missing:
        print("  missing:", msgid[:80])


if __name__ == "__main__":
    main()
