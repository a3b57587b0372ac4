"""API tokens in named states, and a check that a secret is nowhere in the database."""

from __future__ import annotations

from django.apps import apps

from homelearning.api import services
from homelearning.api.models import ApiToken
from homelearning.people.models import Staff, User


def live_token(user: User, name: str = "Reading records spreadsheet") -> tuple[ApiToken, str]:
    staff = Staff.objects.get(user=user)
    return services.token_create(staff=staff, name=name, by=user)


def revoked_token(user: User, name: str = "Old spreadsheet") -> tuple[ApiToken, str]:
    token, secret = live_token(user, name=name)
    return services.token_revoke(token=token, by=user), secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def database_contains(text: str) -> list[str]:
    """Every model and field whose stored value contains `text` (the test database is small)."""
    found = []
    for model in apps.get_models():
        for row in model._default_manager.values():
            for field, value in row.items():
                if text in str(value):
                    found.append(f"{model._meta.label}.{field}")
    return found
