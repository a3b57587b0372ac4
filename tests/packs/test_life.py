"""A pack's whole life through the services, each step audited and conditional."""

from __future__ import annotations

import datetime

import pytest

from homelearning.core.errors import InvalidTransition
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.journal.models import CallRequest, WorkItem
from homelearning.packs import services
from homelearning.packs.models import Pack
from tests.journal.builders import jpeg_with_gps, upload
from tests.personas import World

from .builders import FRI, MON, office, planned_week, requested_pack


def test_life_of_a_pack_with_audit(closed: World, clock) -> None:  # type: ignore[no-untyped-def]
    world = closed
    teacher = world.staff(world.teacher_ash)
    planned_week(world.ash, teacher)
    pack = requested_pack(world)
    assert (pack.status, pack.first_day, pack.last_day) == (Pack.Status.REQUESTED, MON, FRI)

    pack = services.pack_compile(pack=pack, by=office(world), note="Have fun")
    assert pack.status == Pack.Status.COMPILED and pack.compiled_by == office(world) and pack.pdf.name
    assert pack.pages >= 7  # cover, five days, return slip, worksheet
    assert pack.return_by == datetime.date(2026, 12, 7)  # a week after the first day, a school day

    pack = services.pack_ready(pack=pack, by=office(world))
    assert pack.status == Pack.Status.READY and pack.carers_told == 1
    email = OutboundEmail.objects.get(kind="packs.ready")
    assert email.to == "pat.parker@example.com"
    assert "ready to collect" in email.body_text and "Ben" not in email.body_text

    pack = services.pack_collected(pack=pack, by=office(world))
    assert pack.status == Pack.Status.COLLECTED and pack.collected_by_name == "Pat Parker (mother)"
    clock.move_to(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC))
    pack = services.pack_returned(pack=pack, by=office(world))
    assert pack.status == Pack.Status.RETURNED

    pack = services.pack_review(
        pack=pack,
        by=teacher,
        went_well="Neat number bonds.",
        challenges="Reading aloud.",
        next_steps="Phonics daily.",
        uploads=[upload(jpeg_with_gps((600, 400)))],
    )
    assert pack.status == Pack.Status.REVIEWED and pack.reviewed_by == teacher
    item = WorkItem.objects.get(code=pack.work_item_code)
    assert item.on_paper and item.pupil == world.ben and item.files.count() == 1
    assert pack.call is not None and pack.call.status == CallRequest.Status.OPEN and pack.call.by_staff

    pack = services.pack_call(pack=pack, by=teacher, outcome="no_answer")
    assert pack.status == Pack.Status.REVIEWED  # not reached: still to call
    pack = services.pack_call(pack=pack, by=teacher, outcome="spoke", notes="Proud of his maths.")
    assert pack.status == Pack.Status.CALLED and pack.called_at is not None
    assert CallRequest.objects.get(pk=pack.call_id).status == CallRequest.Status.DONE

    actions = list(
        AuditEvent.objects.filter(target_type="packs.pack", target_code=pack.code)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "packs.request",
        "packs.compile",
        "packs.ready",
        "packs.collect",
        "packs.return",
        "packs.review",
        "packs.call.attempt",
        "packs.call",
    ]


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        (services.pack_ready, {}),
        (services.pack_collected, {}),
        (services.pack_returned, {}),
        (services.pack_review, {"went_well": "a", "challenges": "b", "next_steps": "c"}),
        (services.pack_call, {"outcome": "spoke"}),
    ],
)
def test_a_step_out_of_order_changes_nothing(closed: World, step, kwargs) -> None:  # type: ignore[no-untyped-def]
    pack = requested_pack(closed)
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        step(pack=pack, by=office(closed), **kwargs)
    pack.refresh_from_db()
    assert pack.status == Pack.Status.REQUESTED
    assert AuditEvent.objects.count() == events
    assert not CallRequest.objects.exists() and not OutboundEmail.objects.filter(kind="packs.ready").exists()


def test_a_collected_pack_cannot_be_printed_again_or_cancelled(closed: World) -> None:
    from .builders import collected_pack

    pack = collected_pack(closed)
    with pytest.raises(InvalidTransition):
        services.pack_compile(pack=pack, by=office(closed))
    with pytest.raises(InvalidTransition):
        services.pack_cancel(pack=pack, by=office(closed), reason="Changed mind")
    pack.refresh_from_db()
    assert pack.status == Pack.Status.COLLECTED


def test_cancel_frees_the_days_for_a_new_pack(closed: World) -> None:
    pack = requested_pack(closed)
    services.pack_cancel(pack=pack, by=office(closed), reason="Entered for the wrong child")
    assert requested_pack(closed).status == Pack.Status.REQUESTED
    assert Pack.objects.filter(status=Pack.Status.CANCELLED).count() == 1


def test_the_pack_ready_email_is_in_the_carers_language(closed: World, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: a family that reads Urdu is told in Urdu, with the return day in Urdu too."""
    from homelearning.people.models import Carer

    world = closed
    Carer.objects.filter(user=world.parent).update(preferred_language="ur")
    planned_week(world.ash, world.staff(world.teacher_ash))
    pack = services.pack_compile(pack=requested_pack(world), by=office(world), note="")
    services.pack_ready(pack=pack, by=office(world))
    email = OutboundEmail.objects.get(kind="packs.ready")
    assert email.subject == "سیکھنے کا پیک لینے کے لیے تیار ہے"
    assert "براہ کرم اسے پیر 7 دسمبر تک واپس کریں" in email.body_text, email.body_text
