"""Bad input: a clear message, nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from homelearning.core.errors import ServiceError
from homelearning.core.models import AuditEvent
from homelearning.packs import services
from homelearning.packs.models import Pack
from tests.personas import World
from tests.provision.builders import school_terms

from .builders import office, requested_pack, year_template


def test_pack_for_a_pupil_not_in_remote_education(world: World, clock, client_for) -> None:  # type: ignore[no-untyped-def]
    school_terms(world)  # no closure, no case: Ben is in school
    with pytest.raises(ServiceError, match="Ben is not in remote education"):
        requested_pack(world)
    response = client_for(world.office).post(
        reverse("packs:request"), {"pupil": world.ben.code, "via": "phone", "first_day": "2026-11-30"}
    )
    assert response.status_code == 400
    assert "Ben is not in remote education on Monday 30 November 2026" in response.content.decode()
    assert not Pack.objects.exists()
    assert not AuditEvent.objects.filter(action="packs.request").exists()


def test_a_second_open_pack_for_the_same_days(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    first = requested_pack(closed)
    with pytest.raises(ServiceError, match="already has an open pack for 30 November to 4 December"):
        requested_pack(closed, first_day=datetime.date(2026, 12, 2))
    response = client_for(closed.office).post(reverse("packs:request"), {"pupil": closed.ben.code, "via": "email"})
    assert response.status_code == 400
    assert "Ben already has an open pack" in response.content.decode()
    assert list(Pack.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_step_out_of_order_through_the_page(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pack = requested_pack(closed)
    client = client_for(closed.office)
    response = client.post(reverse("packs:collected", args=[pack.code]), {"collected_by_name": "Gran"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only a pack that is ready for collection can be collected."
    ]
    pack.refresh_from_db()
    assert pack.status == Pack.Status.REQUESTED and pack.collected_by_name == ""


def test_printing_with_no_plan_through_the_page_offers_the_template(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    year_template(closed.ash, closed.staff(closed.teacher_ash))
    pack = requested_pack(closed)
    response = client_for(closed.office).post(reverse("packs:compile", args=[pack.code]), {"note": "Hello"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no plan for Ash on Monday 30 November" in page
    assert "Snow day" in page and "Choose a year-group template below" in page
    pack.refresh_from_db()
    assert pack.status == Pack.Status.REQUESTED and not pack.pdf and pack.note == ""


def test_a_pupil_of_another_school_cannot_be_chosen(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError, match="not on this school's roll"):
        services.pack_request(pupil=closed.outsider_pupil, by=office(closed), via=Pack.Via.PHONE)
    response = client_for(closed.office).post(
        reverse("packs:request"), {"pupil": closed.outsider_pupil.code, "via": "phone"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Pack.objects.exists()


def test_a_review_without_next_steps_changes_nothing(closed: World) -> None:
    from .builders import returned_pack

    pack = returned_pack(closed)
    with pytest.raises(ServiceError, match="Plan the next steps"):
        services.pack_review(
            pack=pack, by=closed.staff(closed.teacher_ash), went_well="Good", challenges="None", next_steps="  "
        )
    pack.refresh_from_db()
    assert pack.status == Pack.Status.RETURNED and pack.went_well == ""


def test_a_bad_photo_in_the_review_changes_nothing(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from homelearning.journal.models import CallRequest, WorkItem

    from .builders import returned_pack

    pack = returned_pack(closed)
    response = client_for(closed.teacher_ash).post(
        reverse("packs:review", args=[pack.code]),
        {
            "went_well": "Good",
            "challenges": "None",
            "next_steps": "More",
            "uploads": [SimpleUploadedFile("work.jpg", b"not a photo", content_type="image/jpeg")],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only photos (JPEG, PNG, WebP or iPhone HEIC) and PDFs can be sent" in page
    pack.refresh_from_db()
    assert pack.status == Pack.Status.RETURNED
    assert not WorkItem.objects.exists() and not CallRequest.objects.exists()


@pytest.mark.parametrize(
    ("first_day", "message"),
    [
        ("9999-12-31", "Choose a date between"),  # outside every form's window (core.dates)
        ("2020-01-06", "Choose a first day within 28 days of today"),  # a real date, but not for a pack
    ],
)
def test_a_first_day_far_from_today_is_refused(closed: World, client_for, first_day: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(closed.office).post(
        reverse("packs:request"), {"pupil": closed.ben.code, "via": "phone", "first_day": first_day}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pack.objects.exists()


def test_a_too_long_collector_name_is_refused_and_the_pack_stays_ready(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from .builders import ready_pack

    pack = ready_pack(closed)
    response = client_for(closed.office).post(
        reverse("packs:collected", args=[pack.code]), {"collected_by_name": "x" * 201}
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    pack.refresh_from_db()
    assert pack.status == Pack.Status.READY


@pytest.mark.parametrize("kind", ["javascript open action", "launch open action", "uri open action", "embedded file"])
def test_a_hostile_pdf_in_the_review_is_refused_and_changes_nothing(closed: World, client_for, kind: str) -> None:  # type: ignore[no-untyped-def]
    """The returned pack's scans go into the journal through the same PDF gate as every upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from homelearning.journal.models import CallRequest, WorkItem
    from tests.pdfs import HOSTILE

    from .builders import returned_pack

    pack = returned_pack(closed)
    response = client_for(closed.teacher_ash).post(
        reverse("packs:review", args=[pack.code]),
        {
            "went_well": "Good",
            "challenges": "None",
            "next_steps": "More",
            "uploads": [SimpleUploadedFile("scan.pdf", HOSTILE[kind], content_type="application/pdf")],
        },
    )
    assert response.status_code == 400
    pack.refresh_from_db()
    assert pack.status == Pack.Status.RETURNED
    assert not WorkItem.objects.exists() and not CallRequest.objects.exists()
