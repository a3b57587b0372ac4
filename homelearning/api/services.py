"""Every write to API tokens. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models import Q

from homelearning.api.models import SECRET_PREFIX, ApiToken, hash_secret
from homelearning.core import clock
from homelearning.core.audit import audit, audit_many
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.people.models import Staff, User
from homelearning.privacy.models import DEFAULT_API_TOKEN_DAYS, PrivacySettings

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
    in_use = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True, expires_at__gt=clock.now())
    if in_use.count() >= MAX_LIVE_TOKENS:
        raise ServiceError(
            f"You already have {MAX_LIVE_TOKENS} tokens in use. Revoke one you no longer need, then make a new one."
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        staff=staff,
        name=name,
        prefix=secret[:8],
        key_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=token_days_for(staff.school_id)),
    )
    audit(
        action="api_token.create",
        actor=by,
        school=staff.school,
        target=token,
        details={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token working from now on. Revoking a revoked token is a conflict, not a success."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now(), revoked_by=by, revoked_because=ApiToken.RevokedBecause.OWNER
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


def token_days_for(school_id: int) -> int:
    """The school's API token lifetime in days (its privacy settings, or the default)."""
    days = PrivacySettings.objects.filter(school_id=school_id).values_list("api_token_days", flat=True).first()
    return days or DEFAULT_API_TOKEN_DAYS


@transaction.atomic
def tokens_revoke_for(*, because: str, by: User | None, user: User | None = None, staff: Staff | None = None) -> int:
    """Revoke every live token of a person (all their memberships) or of one staff membership.

    Called when a password is reset or changed, a role is taken away or someone leaves: a token made
    before must not outlive the change. One UPDATE, one audit entry per token. Returns how many.
    """
    if (user is None) == (staff is None):
        raise ValueError("Give a user or a staff membership.")
    live = ApiToken.objects.filter(revoked_at__isnull=True)
    live = live.filter(staff__user=user) if user is not None else live.filter(staff=staff)
    tokens = list(live.select_related("staff__school").select_for_update(of=("self",)))
    if not tokens:
        return 0
    revoked = ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(
        revoked_at=clock.now(), revoked_by=by, revoked_because=because
    )
    schools = {t.staff.school_id: t.staff.school for t in tokens}
    for school_id, school in schools.items():
        audit_many(
            action="api_token.revoke",
            actor=by,
            school=school,
            targets=[
                (t, {"name": t.name, "prefix": t.prefix, "because": because})
                for t in tokens
                if t.staff.school_id == school_id
            ],
        )
    return revoked


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute."""
    now = clock.now()
    if token.last_used_at is not None and token.last_used_at >= now - TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL), pk=token.pk
    ).update(last_used_at=now)
