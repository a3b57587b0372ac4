"""Text-message providers behind one small interface (issue 16, step 4).

GOV.UK Notify (https://docs.notifications.service.gov.uk/rest-api.html), which state schools may use:
`POST /v2/notifications/sms` with `phone_number`, `template_id`, `personalisation` and `reference`, signed
with a JWT (HS256; `iss` the service id, `iat` now) made from the API key, whose last 36 characters are the
secret and the 36 before them (and a hyphen) the service id. The school makes one template in Notify whose
whole text is `((body))`; Home Learning writes the words.

"demo" sends nothing: each text is marked sent at once, for the demo and a developer's machine.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from django.conf import settings

from homelearning.core.errors import ServiceError


class TextError(ServiceError):
    """The provider failed or did not answer: the text is tried again later."""


class TextRefused(TextError):
    """The provider refused this text for good (a bad number, say): retrying would not help."""


class TextProvider(Protocol):
    name: str

    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send one text; the provider's id for it."""


class DemoProvider:
    name = "demo"

    def send(self, *, to: str, body: str, reference: str) -> str:
        return f"demo-{reference}"


class NotifyProvider:
    name = "notify"

    def __init__(
        self,
        *,
        api_key: str,
        template_id: str,
        base_url: str = "https://api.notifications.service.gov.uk",
        timeout: float = 10.0,
    ) -> None:
        import requests

        if len(api_key) < 74:
            raise ValueError("A GOV.UK Notify API key ends with the service id and the secret (74 characters or more).")
        self.service_id = api_key[-73:-37]
        self.secret = api_key[-36:]
        self.template_id = template_id
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _token(self) -> str:
        import jwt

        return jwt.encode({"iss": self.service_id, "iat": int(time.time())}, self.secret, algorithm="HS256")

    def send(self, *, to: str, body: str, reference: str) -> str:
        import requests

        try:
            response = self.session.post(
                self.base_url + "/v2/notifications/sms",
                json={
                    "phone_number": to,
                    "template_id": self.template_id,
                    "personalisation": {"body": body},
                    "reference": reference,
                },
                headers={"Authorization": f"Bearer {self._token()}", "Content-Type": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise TextError("GOV.UK Notify did not answer in time.") from exc
        except requests.RequestException as exc:
            raise TextError("GOV.UK Notify could not be reached.") from exc
        if response.status_code == 201:
            try:
                return str(response.json()["id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise TextError("GOV.UK Notify sent an answer Home Learning cannot read.") from exc
        detail = _error(response)
        if response.status_code == 400:
            raise TextRefused(f"GOV.UK Notify refused the text: {detail}")
        raise TextError(f"GOV.UK Notify answered {response.status_code}: {detail}")


def _error(response: Any) -> str:
    try:
        errors = response.json()["errors"]
        return "; ".join(f"{e['error']}: {e['message']}" for e in errors)
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def is_configured() -> bool:
    """Whether texts can go at all: a setting read, no client built (channel_for asks it for every carer)."""
    return settings.TEXTS_PROVIDER in {"notify", "demo"}


def configured() -> TextProvider | None:
    """The provider settings name, or None: with none, a family without email goes on the office's list."""
    if settings.TEXTS_PROVIDER == "notify":
        return NotifyProvider(
            api_key=settings.NOTIFY_API_KEY,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=settings.TEXT_PROVIDER_TIMEOUT,
        )
    if settings.TEXTS_PROVIDER == "demo":
        return DemoProvider()
    return None
