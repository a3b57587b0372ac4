"""How django-allauth fits the school: no self sign-up, email through our queue, staff on school domains."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy

from homelearning.core.languages import language_of
from homelearning.core.mail import email_queue
from homelearning.people.models import Carer, School, Staff, User

# Emails that carry a secret (a sign-in code, a reset link): removed from the outbox after sending.
_SECRET_TEMPLATES = {"account/email/login_code", "account/email/password_reset_key", "account/email/unknown_account"}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "select_only_one": gettext_lazy("Fill in your email address or your mobile number, not both."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # The school creates every account (staff, and carers from its records).
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user") or User.objects.filter(email=email.strip().lower()).first()
        if template_prefix == "account/email/login_code" and isinstance(user, User) and _is_staff(user):
            # Staff sign in with their password (and authenticator app); a code would skip it.
            template_prefix = "account/email/staff_use_password"
            context = {**context, **_sign_in_of(user)}
        request = context.get("request") or getattr(self, "request", None)
        ctx: dict[str, Any] = {"email": email, "request": request, "current_site": None}
        ctx.update(context)
        # A carer's sign-in code comes in their own language; anyone else's in the page's (issue 16).
        carer = _carer_with_language(user) if isinstance(user, User) else None
        with language_of(carer) if carer is not None else nullcontext():
            message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        email_queue(
            school=_school_of(user) if isinstance(user, User) else None,
            to=email,
            subject=str(message.subject),
            body_text=str(message.body),
            body_html=html,
            kind=template_prefix.replace("account/email/", "account."),
            is_secret=template_prefix in _SECRET_TEMPLATES,
        )

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        from homelearning.core.audit import audit

        audit(action="account.login", actor=user, school=_school_of(user), target=user, request=request)
        # "You are signed in" in the carer's language: the page that asked for the code did not know it yet.
        carer = _carer_with_language(user)
        if carer is not None and not _is_staff(user):
            with language_of(carer):
                return super().post_login(request, user, **kwargs)
        return super().post_login(request, user, **kwargs)

    def get_login_stages(self) -> list[str]:
        # allauth's two-factor stage, taught that the school's provider may have asked for the second factor.
        return [
            "homelearning.sso.stages.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """A password sign-in. A member of staff whose school signs staff in through Microsoft or Google only
        (SignInSettings.staff_passwords off) is refused, with a message saying how to sign in instead."""
        from django import forms

        from homelearning.sso.adapter import SESSION_KEY
        from homelearning.sso.models import SignInSettings

        request.session.pop(SESSION_KEY, None)  # a password sign-in never carries a provider's second factor
        user = super().authenticate(request, **credentials)
        if user is None:
            return None
        closed = (
            SignInSettings.objects.filter(
                school__staff__user=user, school__staff__is_active=True, staff_passwords=False
            )
            .select_related("school")
            .first()
        )
        if closed is not None:
            from homelearning.core.audit import audit

            audit(
                action="account.password_refused",
                actor=user,
                school=closed.school,
                target=user,
                request=request,
                details={"reason": "staff_passwords_off"},
            )
            raise forms.ValidationError(
                gettext_lazy("%(school)s signs staff in with %(provider)s. Use the “Sign in with %(provider)s” button.")
                % {"school": closed.school.name, "provider": closed.provider_name}
            )
        return user

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The reset link always points at the school's own address (SITE_URL), never at whatever Host a
        request claimed, and works from the background job that sends it, where there is no request."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def set_password(self, user: Any, password: str) -> None:
        """Every password change through allauth (reset by email, change, set) ends the person's API tokens:
        whoever knew the old password may have made one."""
        from homelearning.api.models import ApiToken
        from homelearning.api.services import tokens_revoke_for

        with transaction.atomic():
            super().set_password(user, password)
            tokens_revoke_for(user=user, because=ApiToken.RevokedBecause.PASSWORD, by=user)

    def format_email_subject(self, subject: str) -> str:
        return subject

    # --- Signing in with a code by text (issue 16): a carer's mobile, on their login -------------------------

    def phone_form_field(self, **kwargs: Any) -> Any:
        from homelearning.people.forms import UKMobileField

        return UKMobileField(**kwargs)

    def get_user_by_phone(self, phone: str) -> Any:
        # Staff sign in with a password and an authenticator app: never by a code, so never by phone.
        user = User.objects.filter(phone=phone, is_active=True).first()
        return None if user is None or _is_staff(user) else user

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if getattr(user, "phone", None) else None

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        User.objects.filter(pk=user.pk).update(phone=phone, phone_verified=verified)
        user.phone, user.phone_verified = phone, verified

    def set_phone_verified(self, user: Any, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """The sign-in code by text, in the carer's language; its words are removed once sent."""
        from django.utils.translation import gettext

        from homelearning.texts.services import text_queue

        carer = _carer_with_language(user) or Carer.objects.filter(user=user).first()
        with language_of(carer):
            body = gettext("Your Home Learning sign-in code is %(code)s. It works for 10 minutes. Never share it.")
        text_queue(
            to=phone,
            body=body % {"code": code},
            kind="account.login_code",
            school=_school_of(user),
            carer=carer,
            is_secret=True,
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Nothing: a text to a number the school does not hold would cost the school and reach a stranger.
        return None


def _is_staff(user: User) -> bool:
    return Staff.objects.filter(user=user, is_active=True).exists()


def _sign_in_of(user: User) -> dict[str, object]:
    """How this member of staff signs in, for the email that tells them a code is not the way (issue 17)."""
    from homelearning.sso.models import Provider, SignInSettings

    found = (
        SignInSettings.objects.filter(school__staff__user=user, school__staff__is_active=True)
        .exclude(provider=Provider.NONE)
        .first()
    )
    return {"provider": found.provider_name, "passwords": found.staff_passwords} if found else {}


def _school_of(user: User) -> School | None:
    """The school whose office should see this person's account emails and sign-ins."""
    staff = Staff.objects.filter(user=user, is_active=True).select_related("school").first()
    if staff is not None:
        return staff.school
    carer = Carer.objects.filter(user=user).select_related("school").first()
    return carer.school if carer is not None else None


def _carer_with_language(user: User) -> Carer | None:
    """A carer record of this person that holds a language (a carer's choice covers all their schools)."""
    return Carer.objects.filter(user=user).exclude(preferred_language="").first()
