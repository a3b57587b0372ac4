"""Who may sign in through the school's Microsoft or Google account (issue 17).

Only a member of that school's staff, whose verified address the provider vouches for, from the school's own
tenant or domain. No account is ever made from a sign-in. Every refusal gets a message and an audit entry.
"""

from __future__ import annotations

from typing import Any, NoReturn

import jwt
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import redirect

from homelearning.core.audit import audit
from homelearning.people.models import School, Staff
from homelearning.sso.apps_list import school_apps, sign_in_for
from homelearning.sso.models import PROVIDER_NAMES, Provider, SignInSettings

SESSION_KEY = "homelearning.sso"


class SignInRefused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


def refuse(
    request: HttpRequest,
    *,
    reason: str,
    message: str,
    provider_id: str,
    school: School | None,
    email: str = "",
    details: dict[str, str] | None = None,
) -> NoReturn:
    audit(
        action="account.sso_refused",
        actor=None,
        school=school,
        request=request,
        details={"reason": reason, "provider": provider_id, **({"email": email} if email else {}), **(details or {})},
    )
    messages.error(request, message)
    raise ImmediateHttpResponse(redirect("account_login"))


def _verified(claims: dict[str, Any], provider: str) -> bool:
    if claims.get("email_verified") is True:
        return True
    # Entra ID: xms_edov (the email's domain is verified by the tenant), an optional claim (docs/sign-in.md).
    return provider == Provider.MICROSOFT and claims.get("xms_edov") in (True, 1, "1", "true")


def staff_for_claims(sign_in: SignInSettings, claims: dict[str, Any]) -> Staff:
    """The member of staff these ID token claims prove, or SignInRefused saying why not."""
    name = PROVIDER_NAMES[Provider(sign_in.provider)]
    school = sign_in.school
    if sign_in.provider == Provider.MICROSOFT:
        if str(claims.get("tid", "")).lower() != sign_in.microsoft_tenant_id:
            raise SignInRefused(
                "wrong_tenant", f"That Microsoft account belongs to another organisation, not {school.name}."
            )
    elif str(claims.get("hd", "")).lower() != sign_in.google_domain:
        raise SignInRefused("wrong_domain", f"That Google account is not one of {school.name}'s accounts.")
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused("no_email", f"{name} did not tell us your email address, so you are not signed in.")
    if not _verified(claims, sign_in.provider):
        raise SignInRefused(
            "unverified_email", f"{name} has not verified the address {email}, so you are not signed in."
        )
    staff = Staff.objects.filter(school=school, user__email=email, is_active=True).select_related("user").first()
    if staff is not None:
        return staff
    if Staff.objects.filter(school=school, user__email=email).exists():
        raise SignInRefused("left", f"{email} has left {school.name}'s staff, so it no longer signs in here.")
    if Staff.objects.filter(user__email=email, is_active=True).exists():
        raise SignInRefused(
            "other_school", f"{email} is on another school's staff, not {school.name}'s. Use that school's sign-in."
        )
    raise SignInRefused("not_staff", f"{email} is not on {school.name}'s staff in Home Learning. Ask the office.")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        apps = []
        for _, app in school_apps():
            if provider and provider not in (app.provider, app.provider_id):
                continue
            if client_id and app.client_id != client_id:
                continue
            apps.append(app)
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # a sign-in never makes an account

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider_id = sociallogin.account.provider
        sign_in = sign_in_for(provider_id)
        if sign_in is None:
            refuse(
                request,
                reason="not_configured",
                message="This school does not sign staff in that way.",
                provider_id=provider_id,
                school=None,
            )
        claims: dict[str, Any] = dict(sociallogin.account.extra_data.get("id_token") or {})
        try:
            staff = staff_for_claims(sign_in, claims)
        except SignInRefused as no:
            refuse(
                request,
                reason=no.reason,
                message=no.message,
                provider_id=provider_id,
                school=sign_in.school,
                email=str(claims.get("email") or "")[:254],
            )
        if sociallogin.is_existing and sociallogin.user.pk != staff.user_id:
            refuse(
                request,
                reason="linked_elsewhere",
                message="That account is linked to someone else in Home Learning. Ask the school office.",
                provider_id=provider_id,
                school=sign_in.school,
            )
        if not sociallogin.is_existing:
            sociallogin.connect(request, staff.user)
        provider_mfa = sign_in.provider_mfa_counts and "mfa" in (claims.get("amr") or [])
        request.session[SESSION_KEY] = {"provider_id": provider_id, "mfa": bool(provider_mfa)}
        # The provider has just said yes: the next recheck (sso.middleware) is due an interval from now.
        cache.set(f"sso-recheck:{staff.user_id}", 1, settings.SSO_RECHECK_SECONDS)
        audit(
            action="account.sso",
            actor=staff.user,
            school=sign_in.school,
            target=staff,
            request=request,
            details={"provider": provider_id, "provider_mfa": bool(provider_mfa)},
        )

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        provider_id = getattr(getattr(provider, "app", None), "provider_id", "") or getattr(provider, "id", "")
        sign_in = sign_in_for(provider_id)
        name = sign_in.provider_name if sign_in else "The provider"
        reason, message = _why(exception, error, name)
        said = {
            "error": request.GET.get("error", "")[:60],
            "description": request.GET.get("error_description", "")[:200],
        }
        refuse(
            request,
            reason=reason,
            message=message,
            provider_id=provider_id,
            school=sign_in.school if sign_in else None,
            details={k: v for k, v in said.items() if v} | ({"exception": str(exception)[:200]} if exception else {}),
        )


def _why(exception: Exception | None, error: str | None, name: str) -> tuple[str, str]:
    """A reason for the audit and words for the person, from allauth's error and the token library's."""
    cause = exception.__cause__ if exception is not None else None
    check = (
        f"{name}'s answer could not be checked, so you are not signed in. "
        "Try again; if it happens again, tell the school's IT lead"
    )
    if isinstance(cause, jwt.ExpiredSignatureError):
        return "expired", f"That sign-in with {name} had expired. Try again."
    if isinstance(cause, jwt.InvalidAudienceError):
        return "wrong_audience", f"{check} (the token was made for another application)."
    if isinstance(cause, jwt.InvalidIssuerError):
        return "wrong_issuer", f"{check} (the token came from another organisation's directory)."
    if isinstance(cause, jwt.InvalidSignatureError):
        return "bad_signature", f"{check} (its signature did not match {name}'s keys)."
    if isinstance(cause, jwt.PyJWTError):
        return "bad_token", f"{check}."
    if error == "cancelled":
        return (
            "cancelled",
            f"{name} did not sign you in (cancelled or refused). "
            "If your account was disabled, ask the school's IT lead.",
        )
    return "provider_error", f"{name} did not sign you in. Try again, or sign in another way."
