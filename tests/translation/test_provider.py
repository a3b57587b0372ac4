"""The Azure AI Translator adapter against a local server that checks every request (tests/translation/conftest)."""

from __future__ import annotations

import re

import pytest

from homelearning.translation import providers
from homelearning.translation.providers import AzureTranslator, TranslationError
from tests.fake_translator import KEY, REGION, FakeAzure


def _azure(fake: FakeAzure, **extra: object) -> AzureTranslator:
    return AzureTranslator(key=KEY, region=REGION, endpoint=fake.url, **extra)  # type: ignore[arg-type]


def test_translates_in_order_with_the_documented_request(azure: FakeAzure) -> None:
    out = _azure(azure).translate(["Count the stairs", 'Draw <span class="notranslate">0</span>'], target="pl")
    assert out == ["pl:Count pl:the pl:stairs", 'pl:Draw <span class="notranslate">0</span>']
    (request,) = azure.requests
    assert request["query"] == {"api-version": "3.0", "from": "en", "to": "pl", "textType": "html"}
    assert request["headers"]["Ocp-Apim-Subscription-Key"] == KEY
    assert request["headers"]["X-ClientTraceId"]
    assert azure.refusals == []


def test_portuguese_is_portugals(azure: FakeAzure) -> None:
    assert _azure(azure).translate(["Hello"], target="pt") == ["pt-pt:Hello"]


def test_many_texts_go_in_batches_inside_azures_limits(azure: FakeAzure) -> None:
    texts = [f"Text {n} " + "x" * 900 for n in range(120)]
    out = _azure(azure).translate(texts, target="es")
    assert len(out) == 120 and all(o.startswith(f"es:Text {n} es:x") for n, o in enumerate(out))
    assert len(azure.requests) > 1 and azure.refusals == []
    assert all(len(r["body"]) <= providers.BATCH_TEXTS for r in azure.requests)
    assert all(sum(len(i["Text"]) for i in r["body"]) <= providers.BATCH_CHARACTERS for r in azure.requests)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("http500", "refused the request (HTTP 500)"),
        ("unauthorised", "refused the request (401000)"),
        ("garbage", "cannot read"),
        ("short", "different number of texts"),
    ],
)
def test_failures_are_translation_errors(azure: FakeAzure, mode: str, message: str) -> None:
    azure.mode = mode
    with pytest.raises(TranslationError, match=re.escape(message)):
        _azure(azure).translate(["Hello"], target="pl")


def test_a_wrong_key_is_refused_by_the_server(azure: FakeAzure) -> None:
    with pytest.raises(TranslationError, match="401000"):
        AzureTranslator(key="wrong", region=REGION, endpoint=azure.url).translate(["Hello"], target="pl")
    assert azure.refusals == ["bad or missing key"]


def test_a_slow_provider_times_out(azure: FakeAzure) -> None:
    azure.mode = "slow"
    with pytest.raises(TranslationError, match="did not answer in time"):
        _azure(azure, timeout=0.3).translate(["Hello"], target="pl")


def test_an_unreachable_provider() -> None:
    with pytest.raises(TranslationError, match="could not be reached"):
        AzureTranslator(key=KEY, endpoint="http://127.0.0.1:9").translate(["Hello"], target="pl")


def test_configured_only_when_settings_name_it(settings, azure: FakeAzure) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(providers.configured(), AzureTranslator)
    settings.MACHINE_TRANSLATION_PROVIDER = ""
    assert providers.configured() is None and not providers.is_configured()
