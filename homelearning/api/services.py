"""Every write to API tokens. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models import Q

from homelearning.api.models import SECRET_PREFIX, ApiToken, hash_secret
from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.people.models import Staff, User

NAME_MAX_LENGTH = 80
MAX_LIVE_TOKENS = 10
# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


@transaction.atomic
def token_create(*, staff: Staff, name: str, by: User) -> tuple[ApiToken, str]:
    """A new token for `staff`, and its secret. The secret is returned here once and never stored."""
    name = name.strip()
    if not name:
        raise ServiceError("Give the token a name, so you can recognise it later.")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(f"A token's name can be at most {NAME_MAX_LENGTH} characters.")
    if by.pk != staff.user_id:
        # A token acts as its owner; nobody makes one that acts as someone else.
        raise PermissionRefused("You can only make API tokens for yourself.")
    # Lock the membership so two requests at once cannot both take the tenth place.
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if not staff.is_active:
        raise PermissionRefused("This staff account is no longer active.")
    if ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).count() >= MAX_LIVE_TOKENS:
        raise ServiceError(
            f"You already have {MAX_LIVE_TOKENS} tokens in use. Revoke one you no longer need, then make a new one."
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(staff=staff, name=name, prefix=secret[:8], key_hash=hash_secret(secret))
    audit(
        action="api_token.create",
        actor=by,
        school=staff.school,
        target=token,
        details={"name": token.name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token working from now on. Revoking a revoked token is a conflict, not a success."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now(), revoked_by=by
    )
    if updated != 1:
        raise InvalidTransition(f"The token “{token.name}” was already revoked.")
    token = ApiToken.objects.select_related("staff__school").get(pk=token.pk)
    audit(
        action="api_token.revoke",
        actor=by,
        school=token.staff.school,
        target=token,
        details={"name": token.name, "prefix": token.prefix},
    )
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute."""
    now = clock.now()
    if token.last_used_at is not None and token.last_used_at >= now - TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL), pk=token.pk
    ).update(last_used_at=now)
