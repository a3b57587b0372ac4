"""The school's pack settings, print runs with a problem, and who may review."""

from __future__ import annotations

from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.packs import services
from homelearning.packs.models import Pack, PackBatch, PackSettings
from tests.personas import World

from .builders import office, requested_pack, returned_pack


def test_settings_ladder_and_bad_input(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = reverse("packs:settings")
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.office).get(target).status_code == 403
    assert client_for(world.teacher).get(target).status_code == 403
    head = client_for(world.head)
    assert head.get(target).status_code == 200
    response = head.post(target, {"at_risk_minutes": "5", "return_after_days": "7", "school_days_per_pack": "5"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 15." in response.content.decode()
    assert PackSettings.objects.get(school=world.school).at_risk_minutes == 120  # the policy default, unchanged
    response = head.post(target, {"at_risk_minutes": "60", "return_after_days": "14", "school_days_per_pack": "3"})
    assert response.status_code == 302
    saved = PackSettings.objects.get(school=world.school)
    assert (saved.at_risk_minutes, saved.return_after_days, saved.school_days_per_pack) == (60, 14, 3)
    assert AuditEvent.objects.filter(action="packs.settings.change").count() == 1
    # Another school's figures are its own.
    assert services.settings_for(world.other_school).at_risk_minutes == 120


def test_a_print_run_lists_the_packs_it_could_not_print(closed: World) -> None:
    pack = requested_pack(closed)  # Ash has no plan at all
    batch = services.batch_start(school_class=closed.ash, by=office(closed))
    batch = services.batch_run(batch=batch)
    assert batch.status == PackBatch.Status.FAILED and batch.files == [] and batch.pack_count == 0
    assert batch.problems[0]["child"] == "Ben Parker"
    assert "There is no plan for Ash" in batch.problems[0]["problem"]
    pack.refresh_from_db()
    assert pack.status == Pack.Status.REQUESTED
    assert services.batch_run(batch=batch) == batch  # run twice: nothing more happens


def test_batch_pages_ladder(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    requested_pack(closed)
    batch = services.batch_start(school_class=closed.ash, by=office(closed))
    target = reverse("packs:batch", args=[batch.code])
    assert client_for(None).get(target).status_code == 302
    assert client_for(closed.teacher_ash).get(target).status_code == 403
    assert client_for(closed.outsider_head).get(target).status_code == 404
    page = client_for(closed.office).get(target)
    assert page.status_code == 200 and "Being printed" in page.content.decode()
    assert client_for(closed.office).get(reverse("packs:batch_pdf", args=[batch.code, 1])).status_code == 404
    other = reverse("packs:class_print", args=[closed.outsider_class.code])
    assert client_for(closed.office).post(other).status_code == 404


def test_only_the_class_teacher_or_a_leader_reviews(closed: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pack = returned_pack(closed)
    target = reverse("packs:review", args=[pack.code])
    form = {"went_well": "Good", "challenges": "None", "next_steps": "More"}
    assert client_for(closed.office).post(target, form).status_code == 403
    assert client_for(closed.ta).post(target, form).status_code == 404  # Oak's TA: not her pupil
    assert client_for(closed.teacher).post(target, form).status_code == 404
    pack.refresh_from_db()
    assert pack.status == Pack.Status.RETURNED
    assert client_for(closed.teacher_ash).post(target, form).status_code == 302
    pack.refresh_from_db()
    assert pack.status == Pack.Status.REVIEWED


def _class_print_queries(world: World, children: int) -> tuple[int, PackBatch]:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homelearning.people import services as people_services

    from .builders import at_home_like_ben

    for i in range(children - Pack.objects.filter(pupil__school_class=world.ash).count()):
        pupil = people_services.pupil_create(
            school_class=world.ash,
            legal_first_name=f"Child{i}",
            surname=f"Ash{children}",
            date_of_birth=datetime.date(2019, 5, 1),
            has_device=False,
        )
        requested_pack(world, at_home_like_ben(world, pupil))
    batch = services.batch_start(school_class=world.ash, by=office(world))
    with CaptureQueriesContext(connection) as captured:
        batch = services.batch_run(batch=batch)
    return len(captured), batch


def test_a_class_print_run_costs_the_same_queries_for_two_packs_or_four(closed: World) -> None:
    from .builders import planned_week

    planned_week(closed.ash, closed.staff(closed.teacher_ash))
    requested_pack(closed)  # Ben
    two, first = _class_print_queries(closed, 2)  # Ben and one more
    assert first.status == PackBatch.Status.DONE and first.pack_count == 2
    four, second = _class_print_queries(closed, 6)  # four more join the class
    assert second.status == PackBatch.Status.DONE and second.pack_count == 4  # the 4 still waiting
    assert two == four
    printed = Pack.objects.filter(pupil__school_class=closed.ash)
    assert printed.count() == 6 and set(printed.values_list("status", flat=True)) == {Pack.Status.COMPILED}
    assert all(p.pdf.name and p.pages > 1 and p.return_by for p in printed)
    assert AuditEvent.objects.filter(action="packs.compile").count() == 6
