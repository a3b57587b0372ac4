"""Django's makemessages, without gettext's guessing (docs/translations.md).

msgmerge normally gives a new string the translation of the most similar old one, marked fuzzy. Here every
entry is already fuzzy until a speaker reviews it, so a guess would pass for a translation: "Dear %(carer)s"
would silently take the words of "Dear %(name)s". New strings arrive empty instead, and the tests fail until
someone translates them.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
