"""The printed pack, opened: text extracted with pypdf and checked."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from homelearning.learning import services as learning
from homelearning.learning.models import Activity, Subject
from homelearning.packs import services
from homelearning.packs.pdf import html_to_pdf, local_only_fetcher, qr_data_uri
from tests.personas import World

from .builders import BITESIZE, office, pdf_text, planned_week, requested_pack, year_template


def test_pack_pdf_holds_the_childs_own_plan(closed: World) -> None:
    world = closed
    teacher = world.staff(world.teacher_ash)
    plans = planned_week(world.ash, teacher)
    # A bespoke change for Ben on Wednesday: his maths is replaced.
    wednesday_maths = Activity.objects.get(plan=plans[2], title="Number bonds Wednesday")
    learning.activity_add(
        plan=plans[2],
        by=teacher,
        pupil=world.ben,
        replaces=wednesday_maths,
        subject=Subject.objects.get(code="maths"),
        title="Counting with buttons",
        instructions="Count 20 buttons into pairs.",
        minutes=30,
        confirm_over=True,
    )
    pack = services.pack_compile(pack=requested_pack(world), by=office(world), note="We miss you in class!")
    with pack.pdf.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pack.pages == 8  # cover, 5 days, return slip, worksheet
    cover = reader.pages[0].extract_text()
    assert "Learning pack for Ben" in cover and "Ash" in cover
    assert "Monday 7 December 2026" in cover  # the return date
    assert "We miss you in class!" in cover
    assert "Parker" not in pdf_text(data)  # first name only
    monday = reader.pages[1].extract_text()
    assert "Monday 30 November" in monday and "Number bonds Monday" in monday and "Read a story Monday" in monday
    assert "Find pairs that make ten." in monday and "About 45 min" in monday
    assert "Number bonds game" in monday and "Play two rounds." in monday and BITESIZE in monday
    assert "is at the back of this pack" in monday
    wednesday = reader.pages[3].extract_text()
    assert "Counting with buttons" in wednesday and "Number bonds Wednesday" not in wednesday
    assert "Return slip" in reader.pages[6].extract_text()
    assert "WORKSHEET Number bonds to ten" in reader.pages[7].extract_text()  # merged, once
    assert pdf_text(data).count("WORKSHEET Number bonds to ten") == 1
    images = [img for page in reader.pages[1:6] for img in page.images]
    assert len(images) == 5  # a QR code each day for the link


def test_qr_code_encodes_the_link() -> None:
    uri = qr_data_uri(BITESIZE)
    assert uri.startswith("data:image/png;base64,")
    assert qr_data_uri(BITESIZE) is uri  # cached for the class


def test_no_plan_says_so_and_offers_the_year_group_template(closed: World) -> None:
    world = closed
    template = year_template(world.ash, world.staff(world.teacher_ash))
    pack = requested_pack(world)
    with pytest.raises(services.NoPlan) as caught:
        services.pack_compile(pack=pack, by=office(world))
    assert "There is no plan for Ash on Monday 30 November" in str(caught.value)
    assert "year-group template" in str(caught.value) and caught.value.templates == [template]
    pack.refresh_from_db()
    assert pack.status == "requested" and not pack.pdf
    printed = services.pack_compile(pack=pack, by=office(world), template=template)
    assert printed.from_template == "Snow day"
    with printed.pdf.open("rb") as handle:
        assert "Template counting walk" in pdf_text(handle.read())


def test_the_renderer_refuses_external_urls(settings) -> None:  # type: ignore[no-untyped-def]
    fetcher = local_only_fetcher()
    for url in ("https://example.com/logo.png", "http://127.0.0.1:9/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="Packs load nothing"):
            fetcher.fetch(url)
    assert fetcher.refused == ["https://example.com/logo.png", "http://127.0.0.1:9/x.css", "file:///etc/passwd"]
    own = next(p for d in settings.STATICFILES_DIRS for p in __import__("pathlib").Path(d).rglob("*.css"))
    assert fetcher.fetch(own.as_uri()).read()[:1]
    # A page naming an external image still renders, without it.
    data = html_to_pdf('<p>Hello</p><img src="https://example.com/tracker.png" alt="">')
    assert "Hello" in pdf_text(data)


def test_the_pack_prints_the_plan_formatted_as_the_parents_page_shows_it(closed: World) -> None:
    world = closed
    teacher = world.staff(world.teacher_ash)
    plans = planned_week(world.ash, teacher)
    learning.activity_add(
        plan=plans[0],
        by=teacher,
        subject=Subject.objects.get(code="maths"),
        title="Maths: counting buttons",
        instructions="Count **twenty** buttons.\n- Make pairs\n- Make tens",
        minutes=30,
        confirm_over=True,
    )
    pack = services.pack_compile(pack=requested_pack(world), by=office(world))
    with pack.pdf.open("rb") as handle:
        monday = pdf_text(handle.read())  # the day runs over onto a second page
    assert "Maths: counting buttons" in monday
    assert "Maths: Maths:" not in monday  # the area is printed once, beside the time
    assert "**" not in monday and "- Make" not in monday
    assert "Count twenty buttons." in monday and "Make pairs" in monday and "Make tens" in monday
    assert "Maths · About 30 min" in monday
