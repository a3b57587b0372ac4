"""How a school's staff sign in: their Microsoft 365 or Google Workspace account, and whether a password
still works (issue 17). Client secrets are never here: they live in the environment (settings.SSO_CLIENTS)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from homelearning.people.models import School, User

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class Provider(models.TextChoices):
    NONE = "", "None: staff sign in with a password"
    MICROSOFT = "microsoft", "Microsoft 365 (Entra ID)"
    GOOGLE = "google", "Google Workspace"


PROVIDER_NAMES = {Provider.MICROSOFT: "Microsoft", Provider.GOOGLE: "Google"}


class SignInSettings(models.Model):
    """One school's staff sign-in. Carers always sign in with a code by email or text."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="sign_in_settings")
    provider = models.CharField(max_length=10, choices=Provider.choices, blank=True, default=Provider.NONE)
    microsoft_tenant_id = models.CharField(
        "Entra ID tenant ID", max_length=36, blank=True, help_text="The directory (tenant) ID: a GUID."
    )
    google_domain = models.CharField(
        "Google Workspace domain", max_length=253, blank=True, help_text="The school's primary domain."
    )
    provider_mfa_counts = models.BooleanField(
        "the provider's multi-factor sign-in counts",
        default=False,
        help_text="When the provider says it asked for a second factor (amr contains mfa), leaders and the DSL "
        "team are not asked for Home Learning's code as well. Off: they always are.",
    )
    staff_passwords = models.BooleanField(
        "staff may sign in with a password",
        default=True,
        help_text="Off: staff sign in only through the provider.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "sign-in settings"

    def __str__(self) -> str:
        return f"Sign-in for {self.school}"

    def clean(self) -> None:
        self.microsoft_tenant_id = self.microsoft_tenant_id.strip().lower()
        self.google_domain = self.google_domain.strip().lower()
        if self.provider == Provider.MICROSOFT and not _GUID.match(self.microsoft_tenant_id):
            raise ValidationError(
                {"microsoft_tenant_id": "Give the directory (tenant) ID, like 72f988bf-86f1-41af-91ab-2d7cd011db47."}
            )
        if self.provider == Provider.GOOGLE and not _DOMAIN.match(self.google_domain):
            raise ValidationError({"google_domain": "Give the school's Google Workspace domain, like school.org.uk."})
        if self.provider == Provider.NONE and not self.staff_passwords:
            raise ValidationError({"staff_passwords": "Choose a provider before turning staff passwords off."})

    @property
    def provider_id(self) -> str:
        """The allauth provider id of this school's app: which provider, and which school."""
        return f"{self.provider}-{self.school.code}"

    @property
    def provider_name(self) -> str:
        return PROVIDER_NAMES.get(Provider(self.provider), "")
