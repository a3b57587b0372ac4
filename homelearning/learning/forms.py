"""Validation only. Services apply the rules."""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms
from django.conf import settings

from homelearning.core.dates import DayField
from homelearning.core.errors import ServiceError
from homelearning.learning.models import MAX_ACTIVITY_MINUTES, MIN_ACTIVITY_MINUTES, Resource, Subject
from homelearning.learning.services import check_link
from homelearning.people.models import School, YearGroup


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name}: {obj.name}" if obj.parent_id else obj.name


def _subjects() -> Any:
    return Subject.objects.select_related("parent").order_by("position")


class LinkForm(forms.Form):
    title = forms.CharField(max_length=120)
    url = forms.CharField(label="Web address", max_length=500, help_text="Starts with https://")
    subject = SubjectChoiceField(queryset=_subjects(), required=False, empty_label="Any subject")
    year_group = forms.ModelChoiceField(queryset=YearGroup.objects.none(), required=False, empty_label="Any year")
    provider = forms.CharField(max_length=80, required=False, help_text="Who made it, e.g. White Rose Maths.")
    note = forms.CharField(
        label="Note for parents", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_group"].queryset = YearGroup.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["subject"].queryset = _subjects()  # type: ignore[attr-defined]

    def clean_url(self) -> str:
        try:
            return check_link(self.cleaned_data["url"])
        except ServiceError as exc:
            raise forms.ValidationError(str(exc)) from None


class UploadForm(forms.Form):
    title = forms.CharField(max_length=120)
    file = forms.FileField(
        label="Clip, worksheet or recording",
        help_text="An MP4 teaching clip, a PDF worksheet, or a short recording of your voice (M4A or MP3, at most "
        "5 minutes: a phone's voice memo). Recordings lose their details (the phone, the app, a place) on upload.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,application/pdf,audio/mp4,audio/x-m4a,audio/mpeg"}),
    )
    subject = SubjectChoiceField(queryset=_subjects(), required=False, empty_label="Any subject")
    year_group = forms.ModelChoiceField(queryset=YearGroup.objects.none(), required=False, empty_label="Any year")
    note = forms.CharField(
        label="Note for parents", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_group"].queryset = YearGroup.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["subject"].queryset = _subjects()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.LEARNING_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be no bigger than {max(limit // (1024 * 1024), 1)} MB.")
        return upload


class ActivityFields(TypedDict):
    subject: Subject
    title: str
    minutes: int
    instructions: str
    resources: list[Resource]
    confirm_over: bool


class ActivityForm(forms.Form):
    subject = SubjectChoiceField(queryset=_subjects(), empty_label=None)
    title = forms.CharField(max_length=120)
    minutes = forms.IntegerField(
        label="Minutes (estimate)",
        min_value=MIN_ACTIVITY_MINUTES,
        max_value=MAX_ACTIVITY_MINUTES,
        error_messages={
            "min_value": f"An activity takes at least {MIN_ACTIVITY_MINUTES} minute.",
            "max_value": f"An activity takes at most {MAX_ACTIVITY_MINUTES} minutes.",
            "invalid": "Enter the minutes as a whole number.",
        },
    )
    instructions = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Plain text. Start a line with “- ” for a bullet; wrap words in **stars** for bold.",
    )
    resources = forms.ModelMultipleChoiceField(
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Resources, clips and worksheets",
    )
    confirm_over = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = _subjects()  # type: ignore[attr-defined]
        self.fields["resources"].queryset = Resource.objects.filter(school=school).order_by("title")  # type: ignore[attr-defined]

    def activity_fields(self) -> ActivityFields:
        """The valid answers, as every service that adds or changes an activity takes them."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "title": data["title"],
            "minutes": data["minutes"],
            "instructions": data["instructions"],
            "resources": list(data["resources"]),
            "confirm_over": data["confirm_over"],
        }


class CopyDayForm(forms.Form):
    to_date = DayField(label="Copy to", widget=forms.DateInput(attrs={"type": "date"}))


class TemplateSaveForm(forms.Form):
    name = forms.CharField(label="Template name", max_length=80)


class EntitlementRangeForm(forms.Form):
    date_from = DayField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DayField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 400

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError("The 'From' date must be on or before the 'To' date.")
            if (end - start).days > self.MAX_DAYS:
                raise forms.ValidationError("Choose a range of at most about a school year (400 days).")
        return data
