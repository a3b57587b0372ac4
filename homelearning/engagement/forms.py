from __future__ import annotations

from typing import Any

from django import forms

from homelearning.core.dates import DayField


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


MAX_REPORT_DAYS = 400


class ReportForm(forms.Form):
    scope = forms.ChoiceField(label="Schools")
    start = DayField(label="From", error_messages={"required": "Give the first day.", "invalid": "Give a date."})
    end = DayField(label="To", error_messages={"required": "Give the last day.", "invalid": "Give a date."})
    audience = forms.ChoiceField(
        label="For",
        choices=(
            ("governors", "Governors and the local authority (numbers under 5 hidden)"),
            ("school", "The school's own use (every number shown)"),
        ),
        initial="governors",
    )

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day cannot be before the first day.")
            elif (end - start).days > MAX_REPORT_DAYS:
                self.add_error("end", f"A report covers at most {MAX_REPORT_DAYS} days: a term or a school year.")
        return data
