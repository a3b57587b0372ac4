"""Forms for packs: validation only; the services apply the policy's rules."""

from __future__ import annotations

from typing import Any

from django import forms

from homelearning.core.dates import DayField
from homelearning.journal.forms import MultipleFileField
from homelearning.journal.services import CALL_OUTCOMES
from homelearning.learning.models import PlanTemplate
from homelearning.packs.models import Pack, PackSettings
from homelearning.people.models import Pupil


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PupilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        pupil: Pupil = obj
        needs = " (no device or internet)" if pupil.needs_paper else ""
        return f"{pupil.full_name}, {pupil.school_class.name}{needs}"


class RequestForm(forms.Form):
    pupil = PupilChoice(queryset=Pupil.objects.none(), to_field_name="code", label="Child")
    via = forms.ChoiceField(label="How the request came", choices=Pack.Via.choices, widget=forms.RadioSelect)
    collector = forms.CharField(
        label="Who will collect the pack", max_length=200, required=False, help_text="For example: Mum (Pat Parker)."
    )
    first_day = DayField(
        label="First day the pack covers",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for the child's next day of remote education.",
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils.select_related("school_class")  # type: ignore[attr-defined]


class CompileForm(forms.Form):
    note = forms.CharField(
        label="A note for the family (printed on the cover, optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    template = forms.ModelChoiceField(
        queryset=PlanTemplate.objects.none(),
        to_field_name="code",
        required=False,
        label="For days with no plan, use the year-group template",
        empty_label="No template: the class's plan only",
    )

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]


class CollectedForm(forms.Form):
    collected_by_name = forms.CharField(label="Collected by", max_length=200, required=False)


class ReviewForm(forms.Form):
    went_well = forms.CharField(label="What went well", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    challenges = forms.CharField(label="Challenges", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label="Next steps", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    uploads = MultipleFileField(
        label="Photos of the returned work (optional)",
        required=False,
        help_text="They go into the child's journal. Photos (JPEG, PNG, WebP or HEIC) or PDF files.",
    )
    call_on = DayField(label="Call the family on (optional)", required=False, widget=DateInput())


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did the call go?", choices=list(CALL_OUTCOMES.items()), widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Challenges and successes talked about",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is the pack cancelled?", max_length=300)


class BatchForm(forms.Form):
    note = forms.CharField(
        label="A note for every family (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PackSettings
        fields = ("at_risk_minutes", "return_after_days", "school_days_per_pack")
