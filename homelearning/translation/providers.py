"""Machine-translation providers behind one small interface (issue 16, step 2).

Azure AI Translator's Text Translation REST API v3.0 (`POST /translate?api-version=3.0&from=en&to=pl&textType=html`,
key in `Ocp-Apim-Subscription-Key`, the resource's region in `Ocp-Apim-Subscription-Region`): it covers every
language Home Learning ships, Somali and Punjabi (Gurmukhi) included, and keeps `<span class="notranslate">`
untouched, which is how the placeholders of translation.masking survive.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from django.conf import settings

from homelearning.core.errors import ServiceError

# Home Learning's language codes as Azure names them.
AZURE_LANGUAGES = {
    "pl": "pl",
    "ro": "ro",
    "ur": "ur",
    "pa": "pa",
    "bn": "bn",
    "ar": "ar",
    "pt": "pt-pt",
    "so": "so",
    "es": "es",
    "uk": "uk",
}
# Azure's limits are 1,000 texts and 50,000 characters a request; stay well inside them.
BATCH_TEXTS = 50
BATCH_CHARACTERS = 20_000


class TranslationError(ServiceError):
    """The provider refused, failed or did not answer in time: the original text shows until a retry works."""


class Translator(Protocol):
    name: str

    def languages(self) -> set[str]:
        """Home Learning's language codes this provider translates into."""

    def translate(self, texts: Sequence[str], *, target: str) -> list[str]:
        """Each of `texts` (HTML, English) in `target`, in order."""


class AzureTranslator:
    name = "azure"

    def __init__(
        self,
        *,
        key: str,
        region: str = "",
        endpoint: str = "https://api.cognitive.microsofttranslator.com",
        timeout: float = 10.0,
    ) -> None:
        import requests

        self.key = key
        self.region = region
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def languages(self) -> set[str]:
        return set(AZURE_LANGUAGES)

    def translate(self, texts: Sequence[str], *, target: str) -> list[str]:
        result: list[str] = []
        for batch in _batches(texts):
            result += self._translate(batch, target)
        return result

    def _translate(self, texts: Sequence[str], target: str) -> list[str]:
        import requests

        headers = {
            "Ocp-Apim-Subscription-Key": self.key,
            "Content-Type": "application/json; charset=UTF-8",
            "X-ClientTraceId": str(uuid.uuid4()),
        }
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        params = {"api-version": "3.0", "from": "en", "to": AZURE_LANGUAGES[target], "textType": "html"}
        try:
            response = self.session.post(
                self.endpoint + "/translate",
                params=params,
                json=[{"Text": t} for t in texts],
                headers=headers,
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise TranslationError("The translation service did not answer in time.") from exc
        except requests.RequestException as exc:
            raise TranslationError("The translation service could not be reached.") from exc
        if response.status_code >= 400:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = f"HTTP {response.status_code}"
            raise TranslationError(f"The translation service refused the request ({code}).")
        try:
            body: Any = response.json()
            out = [str(item["translations"][0]["text"]) for item in body]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise TranslationError("The translation service sent an answer Home Learning cannot read.") from exc
        if len(out) != len(texts):
            raise TranslationError("The translation service answered for a different number of texts.")
        return out


def _batches(texts: Sequence[str]) -> list[list[str]]:
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= BATCH_TEXTS or size + len(text) > BATCH_CHARACTERS):
            batches.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        batches.append(current)
    return batches


def configured() -> Translator | None:
    """The provider settings name, or None: with none, parents read the teacher's words as written."""
    if settings.MACHINE_TRANSLATION_PROVIDER == "azure":
        return AzureTranslator(
            key=settings.AZURE_TRANSLATOR_KEY,
            region=settings.AZURE_TRANSLATOR_REGION,
            endpoint=settings.AZURE_TRANSLATOR_ENDPOINT,
        )
    return None


def is_configured() -> bool:
    return bool(settings.MACHINE_TRANSLATION_PROVIDER)
