"""Forms of the live app: validation only; the policy is enforced in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homelearning.live.models import LiveSession
from homelearning.people.models import Carer, Pupil, Staff


def _staff_label(staff: Staff) -> str:
    return staff.full_name


def _pupil_label(pupil: Pupil) -> str:
    return pupil.full_name


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of session", choices=LiveSession.Kind.choices)
    title = forms.CharField(label="Title", max_length=120, required=False, help_text="Optional.")
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=600)
    repeat_weeks = forms.IntegerField(
        label="Number of weeks",
        required=False,
        min_value=1,
        max_value=14,
        initial=1,
        help_text="Weekly story time can repeat at the same time each week; weeks in the holidays are skipped.",
    )
    monitor = forms.ModelChoiceField(
        label="Second member of staff watching the session",
        queryset=Staff.objects.none(),
        to_field_name="code",
    )
    pupils = forms.ModelMultipleChoiceField(
        label="Children invited",
        queryset=Pupil.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, monitors: list[Staff], pupils: list[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        monitor_field = self.fields["monitor"]
        assert isinstance(monitor_field, forms.ModelChoiceField)  # noqa: S101
        monitor_field.queryset = Staff.objects.filter(pk__in=[s.pk for s in monitors]).order_by("surname")
        monitor_field.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]
        pupil_field = self.fields["pupils"]
        assert isinstance(pupil_field, forms.ModelMultipleChoiceField)  # noqa: S101
        pupil_field.queryset = Pupil.objects.filter(pk__in=[p.pk for p in pupils]).order_by("legal_first_name")
        pupil_field.label_from_instance = _pupil_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("repeat_weeks") or 1) > 1 and data.get("kind") != LiveSession.Kind.STORY_TIME:
            self.add_error("repeat_weeks", "Only the weekly story time and well-being session repeats.")
        return data


class EndForm(forms.Form):
    risk_reason = forms.CharField(
        label="If you perceived a risk, say what happened (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I accept the Live Remote Learning Agreement for myself and my child"),
        error_messages={"required": _("Tick the box to accept the agreement before joining.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional, kept for the school)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BanForm(forms.Form):
    days = forms.IntegerField(
        label="Number of days without live sessions",
        min_value=1,
        max_value=365,
        initial=28,
        error_messages={
            "min_value": "Choose at least 1 day.",
            "max_value": "Choose at most 365 days.",
            "invalid": "Enter a number of days.",
        },
    )
    reason = forms.CharField(
        label="How was the agreement broken?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept for the school. The family is told the period, not this text; the teacher will call them.",
        error_messages={"required": "Say how the agreement was broken."},
    )
    whole_family = forms.BooleanField(
        label="Also the child's brothers and sisters at this school (the whole family)", required=False
    )
    raise_concern = forms.BooleanField(
        label="A child may be at risk: raise a safeguarding concern next", required=False
    )


class RecipientForm(forms.Form):
    carer = forms.ModelChoiceField(
        label="Send this child's live session invitations to",
        queryset=Carer.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a carer.", "invalid_choice": "Choose one of the child's carers."},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=300, help_text="For example: staying with dad until Friday."
    )

    def __init__(self, *args: Any, carers: list[Carer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["carer"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Carer.objects.filter(pk__in=[c.pk for c in carers]).order_by("surname", "first_name")
        field.label_from_instance = _carer_label  # type: ignore[method-assign,assignment]


def _carer_label(carer: Carer) -> str:
    return f"{carer.full_name} ({carer.email})" if carer.email else f"{carer.full_name} (no email address)"


class LiveSettingsForm(forms.Form):
    provider = forms.ChoiceField(label="Video service for live sessions", widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = choices
        field.error_messages["invalid_choice"] = "Choose one of the video services set up on this server."
