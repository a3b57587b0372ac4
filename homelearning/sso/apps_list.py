"""Each school's sign-in, as the allauth app the OpenID Connect flow uses: built from the school's settings and
the client id and secret in the environment, never stored."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.conf import settings

from homelearning.sso.models import Provider, SignInSettings


def client_for(provider: str) -> dict[str, str]:
    """The deployment's registered client for a provider: client_id, secret and the provider's base address."""
    return dict(settings.SSO_CLIENTS.get(provider, {}))


def discovery_url(sign_in: SignInSettings) -> str:
    client = client_for(sign_in.provider)
    if sign_in.provider == Provider.MICROSOFT:
        # The school's own tenant, never "common" or "organizations": nobody from another directory gets a token.
        return f"{client['authority'].rstrip('/')}/{sign_in.microsoft_tenant_id}/v2.0"
    return client["issuer"].rstrip("/")


def app_for(sign_in: SignInSettings) -> SocialApp | None:
    """The school's app, or None when the deployment has no client for its provider."""
    client = client_for(sign_in.provider)
    if not sign_in.provider or not client.get("client_id") or not client.get("secret"):
        return None
    app_settings: dict[str, Any] = {
        "server_url": discovery_url(sign_in),
        "fetch_userinfo": False,  # the signed ID token says everything we use
        "oauth_pkce_enabled": True,
        "token_auth_method": "client_secret_post",  # nosec B105 - the name of a method, not a secret
    }
    if sign_in.provider == Provider.MICROSOFT:
        # offline_access: a refresh token, so a later check learns when the account is disabled.
        app_settings["scope"] = ["openid", "email", "profile", "offline_access"]
        app_settings["auth_params"] = {"prompt": "select_account"}
    else:
        app_settings["scope"] = ["openid", "email", "profile"]
        # hd: Google offers only accounts of the school's Workspace; the ID token's hd is checked as well.
        app_settings["auth_params"] = {"hd": sign_in.google_domain, "access_type": "offline"}
    return SocialApp(
        provider="school",
        provider_id=sign_in.provider_id,
        name=sign_in.provider_name,
        client_id=client["client_id"],
        secret=client["secret"],
        settings=app_settings,
    )


def school_apps() -> list[tuple[SignInSettings, SocialApp]]:
    pairs = []
    for sign_in in SignInSettings.objects.exclude(provider=Provider.NONE).select_related("school"):
        app = app_for(sign_in)
        if app is not None:
            pairs.append((sign_in, app))
    return pairs


def sign_in_for(provider_id: str) -> SignInSettings | None:
    provider, _, code = provider_id.partition("-")
    if provider not in (Provider.MICROSOFT, Provider.GOOGLE) or not code:
        return None
    return SignInSettings.objects.filter(provider=provider, school__code=code).select_related("school").first()


def provider_origins() -> list[str]:
    """The origins the schools' sign-in buttons send a browser on to (for the sign-in page's form-action)."""
    origins = set()
    for sign_in, _ in school_apps():
        parts = urlsplit(discovery_url(sign_in))
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
