from __future__ import annotations

from django import forms

from homelearning.api.services import NAME_MAX_LENGTH


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?",
        max_length=NAME_MAX_LENGTH,
        help_text=f"For example “Reading records spreadsheet”. At most {NAME_MAX_LENGTH} characters.",
        error_messages={
            "required": "Give the token a name, so you can recognise it later.",
            "max_length": f"A token's name can be at most {NAME_MAX_LENGTH} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
