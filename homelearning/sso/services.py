"""Writes of staff single sign-on: a school's settings, and the recheck that ends a disabled account's access."""

from __future__ import annotations

import logging
from typing import Any

import requests
from allauth.socialaccount.models import SocialToken
from django.core.exceptions import ValidationError
from django.db import transaction

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.people import services as people_services
from homelearning.people.models import School, Staff, User
from homelearning.sso.apps_list import client_for, discovery_url, sign_in_for
from homelearning.sso.models import SignInSettings

log = logging.getLogger(__name__)

FIELDS = ("provider", "microsoft_tenant_id", "google_domain", "provider_mfa_counts", "staff_passwords")
# Entra ID's answers that mean the account itself is gone or disabled (not just a refresh token grown old).
_ACCOUNT_GONE = ("AADSTS50057", "AADSTS50034", "AADSTS5000811")


def settings_for(school: School) -> SignInSettings:
    return SignInSettings.objects.filter(school=school).select_related("school").first() or SignInSettings(
        school=school
    )


@transaction.atomic
def settings_change(*, school: School, by: User, values: dict[str, Any]) -> SignInSettings:
    """Set how the school's staff sign in. Bad values raise ServiceError and change nothing."""
    current = SignInSettings.objects.select_for_update().filter(school=school).first() or SignInSettings(school=school)
    before = {name: getattr(current, name) for name in FIELDS}
    for name in FIELDS:
        if name in values:
            setattr(current, name, values[name])
    try:
        current.full_clean(exclude=["school", "updated_by"])
    except ValidationError as exc:
        raise ServiceError(" ".join(m for msgs in exc.message_dict.values() for m in msgs)) from None
    if not current.staff_passwords and not client_for(current.provider).get("client_id"):
        raise ServiceError(
            f"This server has no {current.provider_name} client set up yet (docs/sign-in.md), so passwords stay on."
        )
    after = {name: getattr(current, name) for name in FIELDS}
    if after == before and current.pk:
        raise ServiceError("Nothing to change.")
    current.updated_at, current.updated_by = clock.now(), by
    current.save()
    audit(
        action="sso.settings_change",
        actor=by,
        school=school,
        target=current,
        details={k: {"from": before[k], "to": after[k]} for k in FIELDS if before[k] != after[k]},
    )
    return current


def provider_recheck(*, user_id: int, provider_id: str) -> str:
    """Ask the school's provider, with the refresh token of this person's last sign-in, whether their account
    still works. When the provider refuses (invalid_grant), every session and API token of theirs ends; when it
    says the account is disabled or deleted, their staff membership there ends as well. Returns what happened.
    """
    sign_in = sign_in_for(provider_id)
    token = (
        SocialToken.objects.filter(account__user_id=user_id, account__provider=provider_id)
        .select_related("account")
        .first()
    )
    if sign_in is None or token is None or not token.token_secret:
        return "nothing_to_check"
    client = client_for(sign_in.provider)
    try:
        config = requests.get(f"{discovery_url(sign_in)}/.well-known/openid-configuration", timeout=10)
        config.raise_for_status()
        answer = requests.post(
            config.json()["token_endpoint"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": token.token_secret,
                "client_id": client["client_id"],
                "client_secret": client["secret"],
            },
            timeout=10,
        )
    except (requests.RequestException, ValueError, KeyError) as exc:
        log.warning("sso recheck of user %s could not reach the provider: %s", user_id, exc)
        return "unreachable"  # asked again at the next interval: an outage ends nobody's access
    if answer.status_code == 200:
        body = answer.json()
        SocialToken.objects.filter(pk=token.pk).update(
            token=body.get("access_token", token.token), token_secret=body.get("refresh_token") or token.token_secret
        )
        return "still_works"
    try:
        said = answer.json()
    except ValueError:
        said = {}
    if not isinstance(said, dict) or said.get("error") != "invalid_grant":
        log.warning("sso recheck of user %s: the provider answered %s", user_id, answer.status_code)
        return "unreachable"
    return _refused(sign_in=sign_in, user_id=user_id, token=token, said=said)


@transaction.atomic
def _refused(*, sign_in: SignInSettings, user_id: int, token: SocialToken, said: dict[str, Any]) -> str:
    description = str(said.get("error_description", ""))[:300]
    staff = (
        Staff.objects.filter(school=sign_in.school, user_id=user_id, is_active=True).select_related("school").first()
    )
    SocialToken.objects.filter(pk=token.pk).delete()  # refused: never offered again
    details: dict[str, object] = {"provider": sign_in.provider_id, "error": "invalid_grant", "description": description}
    if staff is None:
        return "not_staff"
    if any(code in description for code in _ACCOUNT_GONE):
        people_services.staff_access_end(
            staff=staff, by=None, because=people_services.LeftBecause.PROVIDER, details=details
        )
        return "left"
    people_services.sessions_end(user_id=user_id, by=None, school=sign_in.school, because="provider", details=details)
    return "signed_out"
