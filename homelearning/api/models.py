"""API tokens: a member of staff's key for the JSON API, scoped to one staff membership."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homelearning.core import clock
from homelearning.people.models import Staff, new_code

SECRET_PREFIX = "hl_"  # noqa: S105 - a marker that makes leaked tokens easy to spot, not a secret


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret. The secret is 256 random bits, so a fast hash is enough: nothing to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token acting as one staff membership: that school, those roles, nothing more.

    Only the SHA-256 of the secret is stored. The secret is shown to its owner once, when made.
    A token stops working at `expires_at` (the school's token lifetime from when it was made), or
    when revoked: by its owner, or by itself when the owner's password is reset or changed, a role
    is taken away or the owner leaves.
    """

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", "revoked by its owner"
        PASSWORD = "password", "the password was reset or changed"
        ROLE_REMOVED = "role_removed", "a role was taken away"
        LEFT = "left", "the owner left the school's staff"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, so its owner recognises it later.")
    prefix = models.CharField(max_length=8, help_text="The first characters of the secret, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_because = models.CharField(max_length=12, choices=RevokedBecause.choices, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=False) | Q(revoked_by__isnull=True),
                name="api_token_revoked_by_needs_revoked_at",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_because=""), name="api_token_revoked_has_reason"
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.has_expired

    @property
    def has_expired(self) -> bool:
        return self.expires_at <= clock.now()
