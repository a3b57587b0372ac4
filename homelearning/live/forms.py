"""Forms of the live app: validation only; the policy is enforced in services."""

from __future__ import annotations

from typing import Any

from django import forms

from homelearning.live.models import LiveSession
from homelearning.people.models import Pupil, Staff


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
        label="I accept the Live Remote Learning Agreement for myself and my child",
        error_messages={"required": "Tick the box to accept the agreement before joining."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
