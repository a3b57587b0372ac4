from __future__ import annotations

from django import forms

from homelearning.people.models import PolicyVersion, Role

POLICY_FIELDS = [
    "policy_date",
    "review_date",
    "live_max_children",
    "live_max_minutes",
    "daily_learning_minutes",
    "vulnerable_contact_days",
    "pack_due_school_days",
    "school_day_ends",
    "case_max_school_weeks",
    "case_review_every_school_weeks",
    "case_absence_code",
    "illness_alert_school_days",
    "review_warning_days",
]


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = POLICY_FIELDS
        widgets = {
            "policy_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "school_day_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("policy_date") and data.get("review_date") and data["review_date"] <= data["policy_date"]:
            self.add_error("review_date", "The review date must be after the policy date.")
        return data


class SwitchSchoolForm(forms.Form):
    school = forms.SlugField()


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
        help_text="Taking a role away also revokes this person's API tokens; they can make new ones.",
    )
