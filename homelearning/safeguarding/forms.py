"""Validation only: the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homelearning.core import clock
from homelearning.core.dates import DayField
from homelearning.people.models import Pupil
from homelearning.safeguarding.models import ConcernCategory, ConcernEntry, Contact, FilterAlert, VulnerabilityReason

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PupilChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.school_class.name})"


class ChildChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.first_name)


class PupilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.school_class.name})"


class EntryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} of {timezone.localtime(obj.created_at):%d/%m/%Y %H:%M}: {obj.text[:60]}"


def _not_future(value: Any) -> Any:
    if value and value > clock.now():
        raise forms.ValidationError(_("This cannot be in the future."))
    return value


class ConcernForm(forms.Form):
    pupils = PupilChoices(
        queryset=Pupil.objects.none(),
        label="Which children",
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": "Choose at least one child."},
    )
    category = forms.ModelChoiceField(
        queryset=ConcernCategory.objects.filter(for_families=False),
        label="What the concern is about",
        empty_label="Choose…",
        error_messages={"required": "Choose what the concern is about."},
    )
    seen_or_heard = forms.CharField(
        label="What you saw or heard",
        help_text="The facts, in the child's own words where you can. Do not investigate.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Say what you saw or heard."},
    )
    happened_at = forms.DateTimeField(
        label="When it happened", widget=WHEN, error_messages={"required": "Say when it happened."}
    )
    action_taken = forms.CharField(
        label="Action taken so far", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    source_type = forms.SlugField(required=False, widget=forms.HiddenInput, max_length=40)
    source_code = forms.SlugField(required=False, widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils.order_by("surname", "legal_first_name")  # type: ignore[attr-defined]

    def clean_happened_at(self) -> Any:
        return _not_future(self.cleaned_data.get("happened_at"))


class CarerReportForm(forms.Form):
    pupils = ChildChoices(
        queryset=Pupil.objects.none(),
        label=_("Which of your children is it about"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of your children.")},
    )
    seen_or_heard = forms.CharField(
        label=_("What is worrying you"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": _("Tell us what is worrying you.")},
    )
    happened_at = forms.DateTimeField(
        label=_("When it happened, as near as you know"),
        widget=WHEN,
        error_messages={"required": _("Say when it happened, as near as you know.")},
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]

    def clean_happened_at(self) -> Any:
        return _not_future(self.cleaned_data.get("happened_at"))

    def clean_pupils(self) -> Any:
        pupils = self.cleaned_data.get("pupils") or []
        if len({p.school_id for p in pupils}) > 1:
            raise forms.ValidationError("Your children go to different schools: send one report for each school.")
        return pupils


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What you are recording",
        choices=[
            (ConcernEntry.Kind.ACTION, "An action taken"),
            (ConcernEntry.Kind.DECISION, "A decision, with its reasons"),
            (ConcernEntry.Kind.NOTE, "A note"),
            (ConcernEntry.Kind.CORRECTION, "A correction of an earlier entry"),
        ],
    )
    text = forms.CharField(
        label="Entry",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Write the entry."},
    )
    reason = forms.CharField(
        label="Reasons (for a decision)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    corrects = EntryChoice(
        queryset=ConcernEntry.objects.none(),
        required=False,
        label="The entry it corrects (for a correction)",
        to_field_name="code",
        empty_label="None",
    )

    def __init__(self, *args: Any, entries: QuerySet[ConcernEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = entries  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ConcernEntry.Kind.DECISION and not (data.get("reason") or "").strip():
            self.add_error("reason", "Record the reasons for the decision.")
        if data.get("kind") == ConcernEntry.Kind.CORRECTION and not data.get("corrects"):
            self.add_error("corrects", "Choose the entry this corrects.")
        return data


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={"required": "Record the outcome before closing the concern."},
    )


class VulnerableForm(forms.Form):
    pupil = PupilChoice(
        queryset=Pupil.objects.none(),
        label="Child",
        to_field_name="code",
        empty_label="Choose…",
        error_messages={"required": "Choose a child.", "invalid_choice": "Choose a child of this school."},
    )
    reason = forms.ModelChoiceField(
        queryset=VulnerabilityReason.objects.all(),
        label="Reason",
        to_field_name="slug",
        empty_label="Choose…",
        error_messages={"required": "Choose the reason."},
    )
    started_on = DayField(label="From", widget=DAY, error_messages={"required": "Give the start date."})
    note = forms.CharField(label="Note", required=False, max_length=200)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        field.queryset = pupils.order_by("surname", "legal_first_name")  # type: ignore[attr-defined]


class EndVulnerableForm(forms.Form):
    ended_on = DayField(label="Ended on", widget=DAY, error_messages={"required": "Give the end date."})


class ContactForm(forms.Form):
    contact_for = forms.ChoiceField(label="This is the contact of", choices=Contact.By.choices)
    contacted_at = forms.DateTimeField(label="When", widget=WHEN, error_messages={"required": "Say when."})
    method = forms.ChoiceField(label="How", choices=Contact.Method.choices, widget=forms.RadioSelect)
    spoke_to_child = forms.TypedChoiceField(
        label="Did you speak to the child?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you spoke to the child."},
    )
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Record the outcome of the contact."},
    )
    raise_concern = forms.BooleanField(label="I have a safeguarding concern from this contact", required=False)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact_for"]
        field.choices = [(v, label) for v, label in Contact.By.choices if v in allowed]  # type: ignore[attr-defined]
        if len(allowed) == 1:
            field.initial = allowed[0]

    def clean_contacted_at(self) -> Any:
        return _not_future(self.cleaned_data.get("contacted_at"))


class AlertForm(forms.Form):
    occurred_at = forms.DateTimeField(label="When", widget=WHEN, error_messages={"required": "Say when."})
    device_user = forms.CharField(label="User (account name)", max_length=200)
    device = forms.CharField(label="Device", max_length=200, required=False)
    category = forms.CharField(label="Category (as the filter reports it)", max_length=200)
    detail = forms.CharField(
        label="What was blocked or flagged", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    pupil = PupilChoice(
        queryset=Pupil.objects.none(),
        required=False,
        label="Child (if known)",
        to_field_name="code",
        empty_label="Not known",
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils.order_by("surname", "legal_first_name")  # type: ignore[attr-defined]

    def clean_occurred_at(self) -> Any:
        return _not_future(self.cleaned_data.get("occurred_at"))


class AlertImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file from the filtering system", error_messages={"required": "Choose a CSV file."}
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 2_000_000:
            raise forms.ValidationError("The file is larger than 2 MB: split it and import each part.")
        return f


class AlertMappingForm(forms.Form):
    """Which of the file's columns holds each of our fields. The file's text travels in a hidden field."""

    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=3_000_000)
    remember = forms.BooleanField(label="Use these columns for the next import", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        fields: dict[str, str],
        required: tuple[str, ...],
        date_orders: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *[(h, h) for h in headers if h]]
        for name, label in fields.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label + ("" if name in required else " (optional)"),
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Choose one of the file's columns."},
            )
        self.fields["date_order"] = forms.ChoiceField(
            label="How the file writes dates",
            choices=list(date_orders.items()),
            widget=forms.RadioSelect,
            error_messages={"required": "Choose how the file writes its dates."},
        )
        # Our fields first, then the remember box; the hidden text last.
        self.order_fields([*(f"col_{n}" for n in fields), "date_order", "remember", "csv_text"])

    def mapping(self) -> dict[str, str]:
        chosen = {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }
        return {**chosen, "date_order": self.cleaned_data["date_order"]}


class TriageForm(forms.Form):
    triage = forms.ChoiceField(
        label="What was done",
        choices=[c for c in FilterAlert.Triage.choices if c[0] != FilterAlert.Triage.NEW],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done about the alert."},
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    category = forms.ModelChoiceField(
        queryset=ConcernCategory.objects.filter(for_families=False),
        required=False,
        label="Concern category (if raising a concern)",
        to_field_name="slug",
        empty_label="Choose…",
    )
    pupils = PupilChoices(
        queryset=Pupil.objects.none(), required=False, label="Children (if raising a concern)", to_field_name="code"
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils.order_by("surname", "legal_first_name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("triage") == FilterAlert.Triage.CONCERN:
            if not data.get("category"):
                self.add_error("category", "Choose the concern's category.")
            if not data.get("pupils"):
                self.add_error("pupils", "Choose the child or children the concern is about.")
        return data


class SettingsForm(forms.Form):
    headteacher_sees_records = forms.TypedChoiceField(
        label="Does the headteacher see safeguarding records?",
        choices=[("yes", "Yes"), ("no", "No: only the DSL and deputies")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )


class AcknowledgementReportForm(forms.Form):
    start = DayField(label="From", widget=DAY, error_messages={"required": "Give the first day."})
    end = DayField(label="To", widget=DAY, error_messages={"required": "Give the last day."})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The last day cannot be before the first day.")
        if start and end and (end - start).days > 366 * 5:
            self.add_error("start", "Choose at most five years.")
        return data
