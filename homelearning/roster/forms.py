from __future__ import annotations

from typing import Any

from django import forms

from homelearning.roster.models import ImportKind
from homelearning.roster.reading import FIELDS_BY_KIND


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File from your MIS",
        help_text="A CSV export (pupils with their contacts, or staff) or a Common Transfer File (.xml).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xml,text/csv,application/xml,text/xml"}),
    )
    kind = forms.ChoiceField(label="The file holds", choices=ImportKind.choices, initial=ImportKind.PUPILS)
    full = forms.BooleanField(
        label="This file lists every pupil on roll",
        required=False,
        initial=True,
        help_text="Pupils on roll who are not in the file will be marked as having left. They are never deleted.",
    )
    default_class = forms.CharField(
        label="Class for new pupils (Common Transfer Files only)",
        max_length=60,
        required=False,
        help_text="A CTF does not say which class a pupil joins.",
    )


class ColumnsForm(forms.Form):
    """One choice a field: which of the file's columns holds it."""

    def __init__(self, *args: Any, kind: str, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *((h, h) for h in headers)]
        for name, spec in FIELDS_BY_KIND[kind].items():
            label = f"{spec.label} (needed)" if spec.required else spec.label
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [v for v in cleaned.values() if v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Each column can hold one field only.")
        return cleaned


class WondeForm(forms.Form):
    wonde_school_id = forms.CharField(label="Wonde school ID", max_length=20, help_text="Like A1930499544.")
    nightly = forms.BooleanField(label="Sync every night (changes without problems are imported)", required=False)
    write_back = forms.BooleanField(
        label="Write remote-education marks to the MIS register",
        required=False,
        help_text="Needs Wonde's attendance write-back. Off: download the register CSV from Remote education.",
    )
