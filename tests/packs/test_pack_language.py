"""The paper pack in the family's language (issue 16): its words, dates and layout follow the primary carer's
preferred language, with a font that has the script (Debian's fonts-noto-core); the teacher's words are
machine-translated where a provider has done so, and the pack says so."""

from __future__ import annotations

import io

from pypdf import PdfReader

from homelearning.packs import services
from homelearning.people.models import Carer
from tests.fake_translator import FakeAzure, run_translation_jobs
from tests.personas import World

from .builders import office, pdf_text, planned_week, requested_pack


def _pack_pdf(world: World) -> bytes:
    planned_week(world.ash, world.staff(world.teacher_ash))
    pack = services.pack_compile(pack=requested_pack(world), by=office(world), note="")
    with pack.pdf.open("rb") as handle:
        return handle.read()


def _fonts(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


def test_a_polish_pack_is_in_polish(closed: World) -> None:
    Carer.objects.filter(user=closed.parent).update(preferred_language="pl")
    text = pdf_text(_pack_pdf(closed))
    assert "Pakiet do nauki dla: Ben" in text and "Karta zwrotu" in text
    assert "poniedziałek 30 listopada" in text and "Około 45 min" in text
    # The teacher's own words stay as written (no provider here): only Home Learning's words are Polish.
    assert "Return slip" not in text and "Monday 30 November" not in text and "Number bonds Monday" in text


def test_an_arabic_pack_uses_an_arabic_font_and_runs_right_to_left(closed: World) -> None:
    Carer.objects.filter(user=closed.parent).update(preferred_language="ar")
    data = _pack_pdf(closed)
    assert any("NotoNaskhArabic" in f.replace("-", "") for f in _fonts(data)), _fonts(data)
    text = pdf_text(data)
    assert "Return slip" not in text and "قسيمة الإرجاع" in text


def test_bengali_and_punjabi_packs_use_their_scripts_fonts(closed: World) -> None:
    Carer.objects.filter(user=closed.parent).update(preferred_language="bn")
    assert any("NotoSansBengali" in f.replace("-", "") for f in _fonts(_pack_pdf(closed)))


def test_an_english_familys_pack_stays_english(closed: World) -> None:
    text = pdf_text(_pack_pdf(closed))
    assert "Return slip" in text and "Translated automatically" not in text


def test_the_teachers_words_are_translated_in_the_pack_too(closed: World, azure: FakeAzure) -> None:
    Carer.objects.filter(user=closed.parent).update(preferred_language="pl")
    planned_week(closed.ash, closed.staff(closed.teacher_ash))
    run_translation_jobs()
    pack = services.pack_compile(pack=requested_pack(closed), by=office(closed), note="")
    with pack.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "pl:Number" in text and "Przetłumaczone automatycznie" in text
