"""Background tasks for accounts."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.internal.flows.password_reset import request_password_reset
from allauth.account.internal.userkit import filter_users_by_email
from django_tasks import task


@task()
def password_reset_send(*, email: str) -> int:
    """Look the address up and, if it belongs to an active account, queue its reset link. Returns how many.

    The request only queues this job, for every address alike, so its timing says nothing about who has
    an account (issue 25). An unknown address gets nothing (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is off).
    """
    users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
    if not users:
        return 0
    request_password_reset(None, email, users, default_token_generator)
    return len(users)


@task()
def remembered_phones_purge() -> int:
    """Daily: rows of phones forgotten or expired over a month ago go (the carer's list shows neither)."""
    from homelearning.people.phones import phones_purge

    return phones_purge()
