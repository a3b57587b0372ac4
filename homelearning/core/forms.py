from __future__ import annotations

from django import forms

from homelearning.core.dates import DayField
from homelearning.core.models import NonSchoolDay, OutboundEmail


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Who (email contains)", required=False, max_length=254)
    action = forms.CharField(label="Action (starts with)", required=False, max_length=80)
    target = forms.CharField(label="Record (name or code)", required=False, max_length=200)
    date_from = DayField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DayField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'From' date must be on or before the 'To' date.")
        return data


class EmailFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show", required=False, choices=[("", "All emails"), *OutboundEmail.Status.choices]
    )


class TermForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60, help_text="For example “Spring 1”.")
    first_day = DayField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = DayField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))


class NonSchoolDayForm(forms.Form):
    date = DayField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind", choices=NonSchoolDay.Kind.choices)
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)
