"""Remember this phone: a parent's browser stays signed in for the school's number of days, until forgotten.

Parents sign in with an emailed code and no password. Without this, a session ends when the browser closes
or after SESSION_COOKIE_AGE, so a parent asks for a new code most days. A remembered phone keeps its session
for `days`; the parent sees each remembered phone by name and can forget it, which deletes that session at
once (signing that browser out). Staff accounts are never remembered: their sessions end on inactivity.
"""

from __future__ import annotations

import datetime
import re
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.people.models import RememberedPhone, School, Staff, User

SESSION_PHONE_KEY = "homelearning_remembered_phone"
SESSION_DECLINED_KEY = "homelearning_remember_declined"

_BROWSERS = (("Edg", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"), ("FxiOS", "Firefox"),
             ("CriOS", "Chrome"), ("Chrome", "Chrome"), ("Safari", "Safari"))  # fmt: skip
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("CrOS", "Chromebook"), ("Linux", "Linux"))  # fmt: skip


def phone_name(user_agent: str) -> str:
    """'Chrome on Android' from a User-Agent header; 'A web browser' when it says nothing we know."""
    browser = next((label for token, label in _BROWSERS if re.search(re.escape(token), user_agent)), "")
    system = next((label for token, label in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "A web browser"


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def phone_remember(
    *, user: User, school: School | None, session: SessionBase, user_agent: str, days: int
) -> RememberedPhone:
    """Keep this browser's session for `days` (the school's setting), and record it for the carer to see."""
    if days <= 0:
        raise ServiceError(_("The school has turned off remembering phones: sign in with a code each time."))
    if Staff.objects.filter(user=user, is_active=True).exists():
        raise PermissionRefused("Staff accounts are never kept signed in.")
    if session.session_key is None:
        raise ServiceError(_("Sign in first."))
    expires_at = clock.now() + datetime.timedelta(days=days)
    with transaction.atomic():
        phone, _created = RememberedPhone.objects.update_or_create(
            session_key=session.session_key,
            defaults={
                "user": user,
                "name": phone_name(user_agent)[:100],
                "expires_at": expires_at,
                "forgotten_at": None,
            },
        )
        session.set_expiry(expires_at)  # a fixed end, not one that slides on with each visit
        session[SESSION_PHONE_KEY] = phone.code
        session.save()
        audit(
            action="account.phone.remember",
            actor=user,
            school=school,
            target=phone,
            details={"days": days, "name": phone.name},
        )
    return phone


def phones_of(user: User) -> list[RememberedPhone]:
    """The carer's remembered phones still signed in, newest first."""
    return list(RememberedPhone.objects.filter(user=user, forgotten_at__isnull=True, expires_at__gt=clock.now()))


def phone_forget(*, phone: RememberedPhone, by: User, school: School | None) -> RememberedPhone:
    """Forget a remembered phone: its session is deleted, so that browser is signed out at once."""
    if phone.user_id != by.pk:
        raise PermissionRefused("Only the person it belongs to can forget a phone.")
    with transaction.atomic():
        updated = RememberedPhone.objects.filter(pk=phone.pk, forgotten_at__isnull=True).update(
            forgotten_at=clock.now()
        )
        if updated != 1:
            raise InvalidTransition(_("That phone has already been forgotten."))
        _store(phone.session_key).delete()
        audit(action="account.phone.forget", actor=by, school=school, target=phone, details={"name": phone.name})
    return RememberedPhone.objects.get(pk=phone.pk)


def phone_signed_out(*, session_key: str | None) -> None:
    """Signing out on a remembered phone forgets it (its session is gone)."""
    if session_key:
        RememberedPhone.objects.filter(session_key=session_key, forgotten_at__isnull=True).update(
            forgotten_at=clock.now()
        )


def remembered_phones_shorten(*, school: School, days: int) -> int:
    """The school shortened how long phones stay signed in (or turned it off, with 0): no phone remembered by
    one of its parents stays signed in longer than the school now allows. Returns how many were changed."""
    now = clock.now()
    changed = 0
    phones = RememberedPhone.objects.filter(
        user__carer_records__school=school, forgotten_at__isnull=True, expires_at__gt=now
    ).distinct()
    for phone in phones:
        latest = phone.created_at + datetime.timedelta(days=days)
        if phone.expires_at <= latest:
            continue
        changed += 1
        if latest <= now:
            RememberedPhone.objects.filter(pk=phone.pk).update(forgotten_at=now)
            _store(phone.session_key).delete()
            continue
        RememberedPhone.objects.filter(pk=phone.pk).update(expires_at=latest)
        store = _store(phone.session_key)
        if store.exists(phone.session_key):
            store.load()
            store.set_expiry(latest)
            store.save(must_create=False)
    return changed


PURGE_AFTER = datetime.timedelta(days=31)


def phones_purge() -> int:
    """Delete the records of phones forgotten or expired more than PURGE_AFTER ago (data minimisation)."""
    cutoff = clock.now() - PURGE_AFTER
    deleted, _counts = RememberedPhone.objects.filter(Q(forgotten_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    return deleted
