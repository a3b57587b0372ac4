"""A local OpenID Connect provider, as Entra ID (per tenant) and Google Workspace publish theirs: discovery, a
JWKS, an authorization endpoint that answers at once for the identity a test chose, and a token endpoint that
checks every request (client id and secret, the code, the redirect address, the PKCE verifier) and signs an ID
token with RS256. A refresh grant for an account the test disabled is refused as Entra ID refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

TENANT = "5a1f0c2e-7b7d-4c43-9a55-0d5f7e0c1a11"
OTHER_TENANT = "0b0b0b0b-1c1c-4d4d-8e8e-9f9f9f9f9f9f"
CLIENT_ID = "3c2f5b1a-hl-test-client"
SECRET = "test-client-secret-not-real"
GOOGLE_DOMAIN = "balfour.test"
KID = "test-key-1"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class FakeOIDC:
    url: str = ""
    key: Any = None
    other_key: Any = None
    identity: dict[str, Any] = field(default_factory=dict)  # the claims of whoever signs in next
    sign_with_other_key: bool = False
    authorize_error: str = ""  # e.g. "access_denied": the provider sends the person back with an error
    disabled: set[str] = field(default_factory=set)  # subjects whose account is disabled
    disabled_description: str = "AADSTS50057: The user account is disabled."
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # token -> sub
    refusals: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def sign_in_as(self, email: str, *, sub: str = "", **claims: Any) -> None:
        """The next sign-in is this person: an Entra ID identity of the school's tenant unless claims say
        otherwise (tid, hd, email_verified, xms_edov, amr, aud, exp, iss...)."""
        self.identity = {"email": email, "sub": sub or hashlib.sha256(str(email).encode()).hexdigest()[:22], **claims}

    def microsoft_issuer(self, tenant: str = TENANT) -> str:
        return f"{self.url}/{tenant}/v2.0"

    def google_issuer(self) -> str:
        return f"{self.url}/google"

    def id_token(self, issuer: str, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": issuer, "aud": CLIENT_ID, "iat": now, "nbf": now, "exp": now + 3600}
        if issuer.endswith("/google"):
            claims |= {"hd": GOOGLE_DOMAIN, "email_verified": True}
        else:
            claims |= {"tid": TENANT, "xms_edov": True, "ver": "2.0"}
        if nonce:
            claims["nonce"] = nonce
        claims |= self.identity
        key = self.other_key if self.sign_with_other_key else self.key
        return jwt.encode(
            {k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256", headers={"kid": KID}
        )


@pytest.fixture
def oidc(settings) -> Iterator[FakeOIDC]:  # type: ignore[no-untyped-def]
    state = FakeOIDC(
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        other_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _refuse(self, error: str, description: str, status: int = 400) -> None:
            state.refusals.append(f"{error}: {description}")
            self._json(status, {"error": error, "error_description": description})

        def _issuer(self, path: str) -> str | None:
            head = path.strip("/").split("/")[0]
            if head == "google":
                return state.google_issuer()
            if head in (TENANT, OTHER_TENANT):
                return state.microsoft_issuer(head)
            return None

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append(("GET", parts.path))
            if parts.path == "/keys":
                public = state.key.public_key().public_numbers()
                jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": _b64(public.n), "e": _b64(public.e)}
                return self._json(200, {"keys": [jwk]})
            issuer = self._issuer(parts.path)
            if issuer is None:
                return self._json(404, {"error": "not_found"})
            if parts.path.endswith("/.well-known/openid-configuration"):
                base = (
                    issuer if issuer.endswith("/google") else f"{self.server_url}/{issuer.split('/')[-2]}/oauth2/v2.0"
                )
                return self._json(
                    200,
                    {
                        "issuer": issuer,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "jwks_uri": f"{state.url}/keys",
                        "userinfo_endpoint": f"{base}/userinfo",
                        "response_types_supported": ["code"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                    },
                )
            if parts.path.endswith("/authorize"):
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                problems = [
                    f"{name} is {query.get(name)!r}"
                    for name, ok in (
                        ("client_id", query.get("client_id") == CLIENT_ID),
                        ("response_type", query.get("response_type") == "code"),
                        ("code_challenge_method", query.get("code_challenge_method") == "S256"),
                        ("scope", "openid" in query.get("scope", "").split()),
                        ("state", bool(query.get("state"))),
                        ("redirect_uri", query.get("redirect_uri", "").endswith("/login/callback/")),
                    )
                    if not ok
                ]
                if issuer.endswith("/google") and query.get("hd") != GOOGLE_DOMAIN:
                    problems.append(f"hd is {query.get('hd')!r}")
                if problems:
                    return self._refuse("invalid_request", "; ".join(problems))
                if state.authorize_error:
                    back = {
                        "error": state.authorize_error,
                        "error_description": "AADSTS50057: disabled",
                        "state": query["state"],
                    }
                else:
                    code = secrets.token_urlsafe(16)
                    state.codes[code] = {
                        "issuer": issuer,
                        "redirect_uri": query["redirect_uri"],
                        "challenge": query["code_challenge"],
                        "nonce": query.get("nonce"),
                        "identity": dict(state.identity),
                    }
                    back = {"code": code, "state": query["state"]}
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()
                return None
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append(("POST", parts.path))
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if not parts.path.endswith("/token") or self._issuer(parts.path) is None:
                return self._json(404, {"error": "not_found"})
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != SECRET:
                return self._refuse("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401)
            if form.get("grant_type") == "refresh_token":
                sub = state.refresh_tokens.get(form.get("refresh_token", ""))
                if sub is None:
                    return self._refuse(
                        "invalid_grant", "AADSTS9002313: Invalid request. The refresh token is malformed."
                    )
                if sub in state.disabled:
                    return self._refuse("invalid_grant", state.disabled_description)
                fresh = secrets.token_urlsafe(24)
                state.refresh_tokens[fresh] = sub
                return self._json(
                    200,
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "refresh_token": fresh,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                    },
                )
            if form.get("grant_type") != "authorization_code":
                return self._refuse("unsupported_grant_type", repr(form.get("grant_type")))
            grant = state.codes.pop(form.get("code", ""), None)
            if grant is None:
                return self._refuse(
                    "invalid_grant", "AADSTS70008: The provided authorization code has expired or been used."
                )
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._refuse("invalid_grant", "AADSTS50011: The redirect URI does not match.")
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return self._refuse(
                    "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge."
                )
            saved, state.identity = state.identity, grant["identity"]
            token = state.id_token(grant["issuer"], grant["nonce"])
            state.identity = saved
            refresh = secrets.token_urlsafe(24)
            state.refresh_tokens[refresh] = grant["identity"]["sub"]
            return self._json(
                200,
                {
                    "access_token": secrets.token_urlsafe(16),
                    "refresh_token": refresh,
                    "id_token": token,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}"
    Handler.server_url = state.url  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SSO_CLIENTS = {
        "microsoft": {"client_id": CLIENT_ID, "secret": SECRET, "authority": state.url},
        "google": {"client_id": CLIENT_ID, "secret": SECRET, "issuer": state.google_issuer()},
    }
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
