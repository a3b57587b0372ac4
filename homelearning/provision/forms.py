"""Forms of the provision app: validation only; the services apply the policy's rules."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from homelearning.core.dates import DayField
from homelearning.people.models import Pupil, School, SchoolClass, YearGroup
from homelearning.provision.models import AgreementParty, Case, Closure, Review
from homelearning.provision.services import MAX_DOCUMENT_BYTES

MAX_EXPORT_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return DayField(label=label, required=required, widget=DateInput(), help_text=help_text)


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(choices=Closure.Reason.choices)
    scope = forms.ChoiceField(label="Who is affected", choices=Closure.Scope.choices, widget=forms.RadioSelect)
    year_groups = forms.ModelMultipleChoiceField(
        queryset=YearGroup.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    classes = forms.ModelMultipleChoiceField(
        queryset=SchoolClass.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    first_day = _date("First day")
    last_day = _date("Expected last day")

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].queryset = YearGroup.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["classes"].queryset = SchoolClass.objects.filter(school=school)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day cannot be before the first day.")
        if data.get("scope") == Closure.Scope.YEAR_GROUPS and not data.get("year_groups"):
            self.add_error("year_groups", "Choose at least one year group.")
        if data.get("scope") == Closure.Scope.CLASSES and not data.get("classes"):
            self.add_error("classes", "Choose at least one class.")
        return data


class ClosureChangeForm(forms.Form):
    last_day = _date("New last day of remote education")
    end = forms.BooleanField(label="End the closure (the school reopens after this day)", required=False, initial=False)


class PupilChoiceField(forms.ChoiceField):
    """A pupil chosen from a list grouped by class, each named with their date of birth (two children of the
    same name are told apart), from the pupils the form shows; any pupil the viewer may choose is accepted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed: dict[str, Pupil] = {}

    def valid_value(self, value: str) -> bool:
        return value in self.allowed

    def clean(self, value: Any) -> Pupil | None:
        code = super().clean(value)
        return self.allowed[code] if code else None


def pupil_choices(pupils: list[Pupil]) -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in pupils:
        label = f"{p.full_name} (born {p.date_of_birth:%-d %B %Y})"
        groups.setdefault(f"{p.school_class.name} ({p.school_class.year_group.name})", []).append((p.code, label))
    return [("", "Choose the pupil"), *groups.items()]


class CaseRequestForm(forms.Form):
    pupil = PupilChoiceField(label="Pupil")
    requested_by = forms.CharField(label="Who asked", max_length=200, help_text="For example: Mrs Parker (mother)")
    requested_on = _date("When they asked")
    reason = forms.ChoiceField(label="Reason", choices=Case.Reason.choices)
    medical_professional_involved = forms.BooleanField(
        label="A medical professional should be party to the agreement", required=False
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, pupils: list[Pupil], shown: list[Pupil] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        assert isinstance(field, PupilChoiceField)  # noqa: S101 - declared above
        field.allowed = {p.code: p for p in pupils}
        field.choices = pupil_choices(pupils if shown is None else shown)


class DocumentField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if file and file.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("The document is too large: the limit is 5 MB.")
        return file


class RiskAssessmentForm(forms.Form):
    assessed_on = _date("Date of the assessment")
    assessed_by = forms.CharField(label="Assessed by", max_length=200)
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    document = DocumentField(label="Document (optional, PDF or image, at most 5 MB)", required=False)


class MedicalAdviceForm(forms.Form):
    advised_by = forms.CharField(label="From whom", max_length=200)
    advised_on = _date("Date of the advice")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    document = DocumentField(label="Document (optional, PDF or image, at most 5 MB)", required=False)


class AgreementForm(forms.Form):
    party = forms.ModelChoiceField(label="Who agreed", queryset=AgreementParty.objects.none())
    agreed_on = _date("When")
    how = forms.ChoiceField(label="How", choices=AgreementParty.How.choices)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = AgreementParty.objects.filter(  # type: ignore[attr-defined]
            case=case, recorded_at__isnull=True
        )


class ActivateForm(forms.Form):
    start_date = _date("First day of remote education")
    end_date = _date("End date", help_text="Required. Remote education is time-limited.")
    code = forms.ChoiceField(
        label="Register code",
        help_text="The codes the attendance guidance gives for this reason; the usual one comes first.",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from homelearning.provision.services import case_codes_for

        super().__init__(*args, **kwargs)
        _, allowed = case_codes_for(case.reason)
        self.fields["code"].choices = [(c.code, str(c)) for c in allowed]  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    held_on = _date("Date of the review")
    support = forms.CharField(label="Support and flexibilities in place", widget=forms.Textarea(attrs={"rows": 3}))
    reintegration_plan = forms.CharField(label="Reintegration plan", widget=forms.Textarea(attrs={"rows": 3}))
    reintegration_steps = forms.CharField(
        label="Steps of the plan", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decision = forms.ChoiceField(choices=Review.Decision.choices, widget=forms.RadioSelect)
    new_end_date = _date("New end date (if continuing)", required=False)
    return_date = _date("Return date (if returning)", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Review.Decision.CONTINUE and not data.get("new_end_date"):
            self.add_error("new_end_date", "Give the new end date.")
        if data.get("decision") == Review.Decision.RETURN and not data.get("return_date"):
            self.add_error("return_date", "Give the date the pupil returns to school.")
        return data


class EndForm(forms.Form):
    return_date = _date("Date the pupil returns to school")


class ExportForm(forms.Form):
    start = _date("From")
    end = _date("To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("start")
        end: datetime.date | None = data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the range cannot be before its start.")
            elif (end - start).days > MAX_EXPORT_DAYS:
                self.add_error("end", "Export at most a year at a time.")
        return data
