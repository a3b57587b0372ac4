"""The office dashboard, the pages' permission ladder, the pupil's page and a class printed in one go."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from homelearning.core.models import AuditEvent
from homelearning.packs.models import Pack, PackBatch
from homelearning.packs.tasks import print_batch
from homelearning.people.models import Pupil
from tests.personas import World

from .builders import (
    at_home_like_ben,
    collected_pack,
    compiled_pack,
    office,
    pdf_text,
    planned_week,
    ready_pack,
    requested_pack,
    returned_pack,
    reviewed_pack,
)


def _pupil(world: World, first: str, **extra: object) -> Pupil:
    from homelearning.people import services as people

    return people.pupil_create(
        school_class=world.ash,
        legal_first_name=first,
        surname="Test",
        date_of_birth=datetime.date(2019, 2, 2),
        **extra,  # type: ignore[arg-type]
    )


def test_dashboard_ladder(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = reverse("packs:dashboard")
    assert client_for(None).get(target).status_code == 302
    assert client_for(closed.parent).get(target).status_code == 403
    assert client_for(closed.outsider_head).get(target).status_code == 200  # their own school's (empty) page
    requested_pack(closed)
    assert b"Ben Parker" not in client_for(closed.outsider_head).get(target).content
    assert b"Ben Parker" not in client_for(closed.teacher).get(target).content  # Oak's teacher: not her pupil
    assert b"Ben Parker" in client_for(closed.teacher_ash).get(target).content
    page = client_for(closed.office).get(target)
    assert page.status_code == 200 and b"Print Ash's packs" in page.content


def test_detail_and_request_ladder(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pack = requested_pack(closed)
    detail = reverse("packs:detail", args=[pack.code])
    assert client_for(None).get(detail).status_code == 302
    assert client_for(closed.parent).get(detail).status_code == 403
    assert client_for(closed.outsider_head).get(detail).status_code == 404
    assert client_for(closed.teacher).get(detail).status_code == 404
    assert client_for(closed.teacher_ash).get(detail).status_code == 200
    assert client_for(closed.office).get(detail).status_code == 200
    new = reverse("packs:request")
    assert client_for(closed.teacher_ash).get(new).status_code == 403  # the office records requests
    assert client_for(closed.teacher_ash).post(reverse("packs:compile", args=[pack.code])).status_code == 403
    assert client_for(closed.office).get(new).status_code == 200


def test_the_office_dashboard_sorts_every_pack(closed: World, client_for, clock) -> None:  # type: ignore[no-untyped-def]
    world = closed
    planned_week(world.ash, world.staff(world.teacher_ash))
    kids = {name: _pupil(world, name, has_internet=False) for name in ("Dee", "Eve", "Fay", "Gus", "Hal", "Ivy")}
    for kid in kids.values():
        at_home_like_ben(world, kid)
    due_today = requested_pack(world)  # Ben, asked at 09:00: due 15:30 today
    compiled_pack(world, kids["Dee"])
    ready_pack(world, kids["Eve"])
    collected_pack(world, kids["Fay"])
    returned_pack(world, kids["Gus"])
    reviewed = reviewed_pack(world, kids["Hal"])
    # Ivy has no device and no pack: she is offered one.
    client = client_for(world.office)
    page = client.get(reverse("packs:dashboard")).content.decode()
    assert "Ivy Test (Ash): no internet; learning at home from Monday 30 November" in page
    assert 'Offer a pack<span class="visually-hidden"> to Ivy Test' in page

    def section(html: str, heading: str) -> str:
        start = html.index(f">{heading}</h2>")
        return html[start : html.index("</section>", start)]

    assert "Ben Parker" in section(page, "Due today") and "Dee Test" in section(page, "Due today")
    assert "No pack is late." in section(page, "Late") and "No pack is at risk." in section(page, "At risk")
    assert "Eve Test" in section(page, "Ready for collection")
    assert "Fay Test" in section(page, "Awaiting return")
    assert "Gus Test" in section(page, "Awaiting the teacher's review")
    assert "Hal Test" in section(page, "Awaiting the follow-up call")

    clock.move_to(datetime.datetime(2026, 11, 30, 14, 0, tzinfo=datetime.UTC))  # 90 minutes before 15:30
    client = client_for(world.office)  # a fresh sign-in: sessions end after a while idle
    page = client.get(reverse("packs:dashboard")).content.decode()
    assert "Ben Parker" in section(page, "At risk") and "Ben Parker" in section(page, "Due today")
    clock.move_to(datetime.datetime(2026, 11, 30, 15, 31, tzinfo=datetime.UTC))
    client = client_for(world.office)
    page = client.get(reverse("packs:dashboard")).content.decode()
    assert "Ben Parker" in section(page, "Late") and "Ben Parker" not in section(page, "Due today")
    detail = client.get(reverse("packs:detail", args=[due_today.code])).content.decode()
    assert "Late</span>" in detail
    # A week on, Fay's pack is overdue back.
    clock.move_to(datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC))
    client = client_for(world.office)
    page = client.get(reverse("packs:dashboard")).content.decode()
    assert "Return overdue" in section(page, "Awaiting return")
    assert reviewed.call is not None


def test_dashboard_costs_the_same_for_more_packs(closed: World, client_for, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    requested_pack(closed)
    client = client_for(closed.office)
    client.get(reverse("packs:dashboard"))
    with django_assert_max_num_queries(16):
        client.get(reverse("packs:dashboard"))
    for n in range(5):
        kid = at_home_like_ben(closed, _pupil(closed, f"Kid{n}"))
        requested_pack(closed, kid)
    with django_assert_max_num_queries(16):
        client.get(reverse("packs:dashboard"))


def test_pupil_page_shows_the_packs_steps(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pack = ready_pack(closed)
    page = client_for(closed.office).get(reverse("people:pupil_detail", args=[closed.ben.code])).content.decode()
    assert "packs-heading" in page and reverse("packs:detail", args=[pack.code]) in page
    assert "<strong>Requested</strong>" in page and "<strong>Printed</strong>" in page
    assert "<strong>Ready for collection</strong>" in page and "Collected: not yet" in page
    amy = client_for(closed.office).get(reverse("people:pupil_detail", args=[closed.amy.code])).content.decode()
    assert "packs-heading" not in amy  # has a device and the internet, and no pack


def test_pdf_download_is_audited_and_private(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pack = compiled_pack(closed)
    target = reverse("packs:pdf", args=[pack.code])
    assert client_for(closed.teacher).get(target).status_code == 404
    response = client_for(closed.teacher_ash).get(target)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Learning pack for Ben" in pdf_text(b"".join(response.streaming_content))
    assert AuditEvent.objects.filter(action="packs.pdf.download", target_code=pack.code).count() == 1


def test_life_through_the_pages(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    planned_week(closed.ash, closed.staff(closed.teacher_ash))
    client = client_for(closed.office)
    response = client.post(
        reverse("packs:request"), {"pupil": closed.ben.code, "via": "in_person", "collector": "Gran"}
    )
    pack = Pack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packs:detail", args=[pack.code])
    client.post(reverse("packs:compile", args=[pack.code]), {"note": "Hello Ben"})
    client.post(reverse("packs:ready", args=[pack.code]))
    client.post(reverse("packs:collected", args=[pack.code]), {"collected_by_name": ""})
    client.post(reverse("packs:returned", args=[pack.code]))
    pack.refresh_from_db()
    assert pack.status == Pack.Status.RETURNED and pack.collected_by_name == "Gran" and pack.note == "Hello Ben"
    teacher = client_for(closed.teacher_ash)
    teacher.post(
        reverse("packs:review", args=[pack.code]),
        {"went_well": "Tidy work", "challenges": "Spelling", "next_steps": "Spelling games"},
    )
    teacher.post(reverse("packs:call", args=[pack.code]), {"outcome": "spoke", "notes": "Happy family"})
    pack.refresh_from_db()
    assert pack.status == Pack.Status.CALLED
    page = teacher.get(reverse("packs:detail", args=[pack.code])).content.decode()
    assert "Tidy work" in page and "Spelling games" in page and "<strong>Follow-up call</strong>" in page


def test_a_whole_class_printed_in_one_go(closed: World, client_for, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    world = closed
    planned_week(world.ash, world.staff(world.teacher_ash))
    kid = at_home_like_ben(world, _pupil(world, "Zed", has_device=False))
    ben, zed = requested_pack(world), requested_pack(world, kid)
    assert client_for(world.teacher_ash).post(reverse("packs:class_print", args=[world.ash.code])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(
            reverse("packs:class_print", args=[world.ash.code]), {"note": "Stay warm"}
        )
    batch = PackBatch.objects.get()
    assert response["Location"] == reverse("packs:batch", args=[batch.code])
    assert batch.status == PackBatch.Status.QUEUED  # printed by the worker, after the request
    # The job was queued with the batch; run it as the worker would (a worker inside this test's
    # transaction would close PostgreSQL's connection under it).
    (job,) = DBTaskResult.objects.filter(task_path="homelearning.packs.tasks.print_batch", status="READY")
    assert job.args_kwargs["kwargs"] == {"batch_id": batch.pk}
    print_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == PackBatch.Status.DONE and batch.pack_count == 2 and batch.problems == []
    for pack in (ben, zed):
        pack.refresh_from_db()
        assert pack.status == Pack.Status.COMPILED and pack.compiled_by == office(world) and pack.note == "Stay warm"
    page = client_for(world.office).get(reverse("packs:batch", args=[batch.code])).content.decode()
    assert "2 packs, Ben Parker to Zed Test (PDF)" in page
    download = client_for(world.office).get(reverse("packs:batch_pdf", args=[batch.code, 1]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "Learning pack for Ben" in text and "Learning pack for Zed" in text
    # Nothing left to print: said, and no empty print run.
    response = client_for(world.office).post(reverse("packs:class_print", args=[world.ash.code]))
    assert PackBatch.objects.count() == 1
    assert client_for(world.office).get(response["Location"]).content.decode().count("No pack in Ash is waiting") == 1
