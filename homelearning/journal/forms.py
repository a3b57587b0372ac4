from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homelearning.core.dates import DayField
from homelearning.journal.models import FeedbackEmailChoice
from homelearning.journal.services import CALL_OUTCOMES, MAX_COMMENT, MAX_NOTE
from homelearning.safeguarding.models import ConcernCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SendWorkForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Photos or PDFs"),
        required=False,
        help_text=(
            _(
                "Photos (JPEG, PNG, WebP or iPhone HEIC) or PDF files. "
                "Location, camera details and any other hidden text are removed."
            )
        ),
    )
    note = forms.CharField(
        label=_("A short note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    day = DayField(label=_("The day it was done (optional)"), required=False, widget=forms.DateInput({"type": "date"}))
    activity = forms.CharField(required=False, widget=forms.HiddenInput)
    require_content = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.require_content:
            return data
        if not data.get("uploads") and not (data.get("note") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Add a photo, a PDF or a note."))
        return data


class FeedbackForm(forms.Form):
    text = forms.CharField(label="Feedback", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    by_phone = forms.BooleanField(label="This feedback was given by phone", required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Add a comment"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, for_staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_staff:
            self.fields["text"].label = "Reply to the family"
            self.fields["text"].help_text = "The family reads it under the work, with your feedback."


class HideForm(forms.Form):
    reason = forms.CharField(label="Why is it being hidden?", max_length=300)


class EscalateForm(forms.Form):
    category = forms.ModelChoiceField(
        label="What is the worry about?", queryset=ConcernCategory.objects.all(), empty_label=None
    )
    what = forms.CharField(label="What did you see?", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class CallRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What would you like to talk about?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    good_times = forms.CharField(label=_("Good times to call (optional)"), max_length=200, required=False)


class StaffCallForm(CallRequestForm):
    call_on = DayField(label="Call on", required=False, widget=forms.DateInput({"type": "date"}))


class CallLogForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did the call go?", choices=list(CALL_OUTCOMES.items()), widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label="Follow-up (optional)", max_length=300, required=False)


class PaperReturnedForm(SendWorkForm):
    """Staff may record paper work came back without photographing it."""

    require_content = False


class FeedbackEmailForm(forms.Form):
    how = forms.ChoiceField(
        label=_("How would you like to hear about feedback?"),
        choices=FeedbackEmailChoice.How.choices,
        widget=forms.RadioSelect,
    )
