from __future__ import annotations

from django import forms

from homelearning.core import clock
from homelearning.core.dates import DayField
from homelearning.people.models import MFA_ROLES, Role
from homelearning.privacy.models import (
    DEFAULT_API_TOKEN_DAYS,
    DEFAULT_CARER_REMEMBER_DAYS,
    MAX_API_TOKEN_DAYS,
    MAX_CARER_REMEMBER_DAYS,
    RecordType,
)
from homelearning.privacy.schedule import SPECS
from homelearning.privacy.services import DEVICE_POINTS


class SubjectAccessForm(forms.Form):
    subject = forms.CharField(
        label="Whose information",
        help_text="The pupil or the parent or carer the request is about (leavers included).",
        widget=forms.Select,
    )
    requested_by = forms.CharField(label="Who asked", max_length=200, help_text="Name, and how they are related.")
    received_on = DayField(
        label="Date the request was received",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The one-month deadline runs from this date.",
    )
    redact_third_parties = forms.BooleanField(
        label="Redact other people's names (other pupils and their families)", required=False, initial=True
    )

    def __init__(self, *args: object, choices: list[tuple[str, list[tuple[str, str]]]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["subject"].widget.choices = [("", "Choose a person"), *choices]
        self.fields["received_on"].initial = clock.today()

    def clean_subject(self) -> tuple[str, str]:
        value = self.cleaned_data["subject"]
        kind, _, code = value.partition(":")
        if kind not in {"pupil", "carer"} or not code:
            raise forms.ValidationError("Choose the pupil or the parent or carer from the list.")
        return kind, code

    def clean_received_on(self) -> object:
        day = self.cleaned_data["received_on"]
        if day > clock.today():
            raise forms.ValidationError("The date received cannot be in the future.")
        return day


class SafeguardingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Safeguarding records in this export",
        choices=[("include", "Include them"), ("withhold", "Withhold them")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RetentionForm(forms.Form):
    def __init__(self, *args: object, periods: dict[str, int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, spec in SPECS.items():
            unit = "age in years" if spec.unit == "age" else spec.unit
            # No min/max attributes: the service's message (with the legal reason) is the one people read.
            self.fields[key] = forms.IntegerField(
                label=f"{RecordType(key).label} ({unit})",
                initial=periods[key],
                help_text=(
                    f"Kept {spec.basis}, then {spec.action}. Default {spec.default}."
                    if spec.unit == "age"
                    else f"Kept this many {spec.unit} {spec.basis}, then {spec.action}. Default {spec.default}."
                ),
            )


class DeviceConfirmationForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, label in DEVICE_POINTS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)


class DevicesRequiredForm(forms.Form):
    required = forms.BooleanField(
        label="Staff must confirm their device each term before they can see pupil data", required=False
    )


class SignInSettingsForm(forms.Form):
    api_token_days = forms.IntegerField(
        label="API tokens work for (days)",
        min_value=1,
        max_value=MAX_API_TOKEN_DAYS,
        help_text=f"From when each token is made. The default is {DEFAULT_API_TOKEN_DAYS} days. "
        "Shortening it shortens tokens already made.",
    )
    carer_remember_days = forms.IntegerField(
        label="Parents' phones stay signed in for (days)",
        required=False,  # left empty: unchanged
        min_value=0,
        max_value=MAX_CARER_REMEMBER_DAYS,
        help_text=f'When a parent chooses "Remember this phone". The default is {DEFAULT_CARER_REMEMBER_DAYS} days; '
        "0 turns it off (a new emailed code each time). Parents can forget a phone at any time. Shortening it "
        "shortens phones already remembered.",
    )
    extra_mfa_roles = forms.MultipleChoiceField(
        label="Also require an authenticator app for",
        choices=[(r.value, r.label) for r in Role if r not in MFA_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class LinkedPoliciesForm(forms.Form):
    links = forms.CharField(
        label="Linked policies",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=5000,
        help_text="One a line: the policy's title, then optionally | and its web address.",
    )

    def clean_links(self) -> list[dict[str, str]]:
        links = []
        for n, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _, url = line.partition("|")
            url = url.strip()
            if url and not url.startswith(("https://", "http://")):
                raise forms.ValidationError(f"Line {n}: the web address must start with https:// or http://.")
            links.append({"title": title.strip(), "url": url})
        return links
