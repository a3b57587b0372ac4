"""The school's own identity provider, as an allauth provider: OpenID Connect, one app per school."""

from __future__ import annotations

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from homelearning.sso.views import SchoolOIDCAdapter


class SchoolProvider(OpenIDConnectProvider):
    id = "school"
    name = "School account"
    oauth2_adapter_class = SchoolOIDCAdapter


provider_classes = [SchoolProvider]
