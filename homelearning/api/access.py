"""Who may see which API token. Views and the API never query ApiToken themselves."""

from __future__ import annotations

from django.http import Http404

from homelearning.api.models import SECRET_PREFIX, ApiToken, hash_secret
from homelearning.people.viewer import Viewer


def get_token_for_staff(viewer: Viewer, code: str) -> ApiToken:
    """One of the viewer's own tokens in the school they are working in, or 404 (missing or not theirs)."""
    if viewer.staff is None:
        raise Http404("No such API token.")
    try:
        return ApiToken.objects.select_related("staff__school").get(staff=viewer.staff, code=code)
    except ApiToken.DoesNotExist:
        raise Http404("No such API token.") from None


def unrevoked_token_for_secret(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret, if its staff membership and account are still active.

    It may have expired: the caller says so, rather than answering as if the token never existed.
    """
    if not secret.startswith(SECRET_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("staff__school", "staff__user")
        .filter(
            key_hash=hash_secret(secret),
            revoked_at__isnull=True,
            staff__is_active=True,
            staff__user__is_active=True,
        )
        .first()
    )
