from __future__ import annotations

from django import forms


class EngagementSettingsForm(forms.Form):
    quiet_after_school_days = forms.IntegerField(
        label="A child is listed as quiet after this many school days with nothing from home",
        min_value=1,
        max_value=10,
        error_messages={
            "required": "Give a number of school days.",
            "invalid": "Give a whole number of school days.",
            "min_value": "Choose between 1 and 10 school days.",
            "max_value": "Choose between 1 and 10 school days.",
        },
    )
