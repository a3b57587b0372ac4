"""The MIS's home language becomes the carer's preferred language (issue 16): a new carer takes it, a carer
with no language gains it, and a language the carer or the office chose is never overwritten."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.core.languages import language_from_mis
from homelearning.people.models import Carer
from tests.roster.builders import committed, sample

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("POL", "pl"),  # the DfE's code
        ("PNJG", "pa"),  # Punjabi (Gurmukhi): the first three letters name the language
        ("URD", "ur"),
        ("Polish", "pl"),
        ("  arabic ", "ar"),
        ("Português", "pt"),  # its own name
        ("uk", "uk"),  # our own code
        ("English", "en-gb"),
        ("ENG", "en-gb"),
        ("Tamil", ""),  # not shipped: English until someone chooses
        ("TAM", ""),
        ("", ""),
        ("Not known", ""),
    ],
)
def test_an_mis_home_language_is_read_as_one_of_ours(value: str, code: str) -> None:
    assert language_from_mis(value) == code


def _with_language(csv: bytes, languages: list[str]) -> bytes:
    lines = csv.decode().splitlines()
    out = [lines[0] + ",Home Language"] + [f"{line},{lang}" for line, lang in zip(lines[1:], languages, strict=True)]
    return ("\n".join(out) + "\n").encode()


def test_a_csv_home_language_column_sets_new_carers_and_fills_only_empty_ones(world) -> None:  # type: ignore[no-untyped-def]
    pat = Carer.objects.get(email="pat.parker@example.com")
    pat.preferred_language = "es"  # Pat chose Spanish herself
    pat.save(update_fields=["preferred_language"])
    data = _with_language(sample("pupils_sims.csv"), ["POL", "Polish", "Polski", "", "Tamil"])
    committed(world.office, data)
    assert Carer.objects.get(email="maria.aberg@example.com").preferred_language == "pl"
    assert Carer.objects.get(email="lars.aberg@example.com").preferred_language == "pl"
    assert Carer.objects.get(first_name="Gran", surname="O'Neill").preferred_language == ""  # Tamil: not shipped
    pat.refresh_from_db()
    assert pat.preferred_language == "es"  # never over the carer's own choice


def test_a_carer_with_no_language_gains_the_mis_one_and_the_preview_says_so(world) -> None:  # type: ignore[no-untyped-def]
    from tests.roster.builders import previewed

    data = _with_language(sample("pupils_sims.csv"), ["URD", "", "", "", ""])
    batch = previewed(world.office, data)
    pat_change = [c for c in batch.preview["carer_changes"] if c["name"] == "Pat Parker"]
    assert {"field": "Language", "old": "", "new": "ur"} in pat_change[0]["fields"]
    committed(world.office, data)
    assert Carer.objects.get(email="pat.parker@example.com").preferred_language == "ur"


def test_a_ctf_first_language_reaches_the_pupils_carers(world) -> None:  # type: ignore[no-untyped-def]
    xml = sample("pupils_ctf.xml").decode()
    languages = "<Languages><Type><LanguageType>F</LanguageType><Language>SOM</Language></Type></Languages>"
    xml = xml.replace("<Contacts>", languages + "<Contacts>", 1)
    committed(world.office, xml.encode(), name="ctf.xml", full=False, default_class_name="Oak")
    assert Carer.objects.get(email="maria.aberg@example.com").preferred_language == "so"
