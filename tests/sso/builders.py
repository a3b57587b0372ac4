"""Signing in through the local provider (tests/fake_oidc.py) with Django's test client, as a browser would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client
from django.urls import reverse

from homelearning.people.models import School
from homelearning.sso.models import Provider, SignInSettings
from tests.fake_oidc import GOOGLE_DOMAIN, TENANT


def microsoft_for(school: School, **values: object) -> SignInSettings:
    return SignInSettings.objects.update_or_create(
        school=school, defaults={"provider": Provider.MICROSOFT, "microsoft_tenant_id": TENANT, **values}
    )[0]


def google_for(school: School, **values: object) -> SignInSettings:
    return SignInSettings.objects.update_or_create(
        school=school, defaults={"provider": Provider.GOOGLE, "google_domain": GOOGLE_DOMAIN, **values}
    )[0]


def sign_in_with(client: Client, sign_in: SignInSettings):  # type: ignore[no-untyped-def]
    """Press "Sign in with …", let the provider answer, and return our callback's response."""
    start = client.post(reverse("school_login", kwargs={"provider_id": sign_in.provider_id}), {"process": "login"})
    assert start.status_code == 302, start.content[:500]
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert parse_qs(back.query).get("state"), back
    return client.get(f"{back.path}?{back.query}")


def messages_on_login_page(client: Client) -> str:
    return client.get(reverse("account_login")).content.decode()
