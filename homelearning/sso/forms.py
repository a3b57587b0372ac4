from __future__ import annotations

from django import forms

from homelearning.sso.models import Provider


class SignInSettingsForm(forms.Form):
    provider = forms.ChoiceField(label="Staff sign in with", choices=Provider.choices, required=False)
    microsoft_tenant_id = forms.CharField(
        label="Entra ID directory (tenant) ID",
        max_length=36,
        required=False,
        help_text="Entra admin centre → Overview → Tenant ID. Needed for Microsoft 365.",
    )
    google_domain = forms.CharField(
        label="Google Workspace domain",
        max_length=253,
        required=False,
        help_text="The school's primary domain, like school.org.uk. Needed for Google Workspace.",
    )
    provider_mfa_counts = forms.BooleanField(
        label="Accept the provider's own two-factor sign-in for leaders and the DSL team",
        required=False,
        help_text="Off (the default): they enter Home Learning's authenticator code as well.",
    )
    staff_passwords = forms.BooleanField(
        label="Staff may also sign in with a Home Learning password",
        required=False,
        help_text="Turn off once everyone has signed in through the provider. Parents always use a code.",
    )
