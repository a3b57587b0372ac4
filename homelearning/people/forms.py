from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm, ResetPasswordForm
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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


class QueuedResetPasswordForm(ResetPasswordForm):
    """allauth's "forgot password" form, with the same work for every address: it looks nobody up and
    only queues a job (people.tasks.password_reset_send), so a known address answers no slower than an
    unknown one. The job finds the account and sends the link."""

    def clean_email(self) -> str:
        email = get_adapter().clean_email(self.cleaned_data["email"].lower())
        self.users: list[object] = []
        return email

    def save(self, request: HttpRequest, **kwargs: object) -> str:
        from homelearning.people.tasks import password_reset_send

        email = self.cleaned_data["email"]
        password_reset_send.enqueue(email=email)
        return email


class EmailOrMobileLoginCodeForm(RequestLoginCodeForm):
    """allauth's "send me a code" form with both fields (email, mobile): one of them must be filled in.
    (allauth's own form lets both be empty when phone is a login method, and then fails with a 500.)"""

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            raise forms.ValidationError(_("Fill in your email address or your mobile number."), code="required")
        return cleaned


class LanguageForm(forms.Form):
    """The language a family reads Home Learning in. Each choice is named in its own language."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose one of the languages listed."),
        },
    )


class UKMobileField(forms.CharField):
    """A UK mobile number as people write it ("07700 900123"), cleaned to E.164 ("+447700900123")."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> str:
        from homelearning.texts.phones import uk_mobile

        text = super().clean(value)
        if not text:
            return ""
        return uk_mobile(text)
