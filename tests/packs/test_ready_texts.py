"""A pack ready to collect reaches a family with no email by text, in their language (issue 16)."""

from __future__ import annotations

from homelearning.core.models import OutboundEmail
from homelearning.packs import services
from homelearning.people.models import Carer
from homelearning.texts.models import OutboundText
from tests.fake_notify import FakeNotify
from tests.packs.builders import office, planned_week, requested_pack
from tests.personas import World


def test_the_pack_ready_message_goes_by_text_when_there_is_no_email(closed: World, notify: FakeNotify) -> None:
    world = closed
    Carer.objects.filter(user=world.parent).update(email="", phone="+447700900222", preferred_language="ur")
    planned_week(world.ash, world.staff(world.teacher_ash))
    pack = services.pack_compile(pack=requested_pack(world), by=office(world), note="")
    pack = services.pack_ready(pack=pack, by=office(world))
    assert not OutboundEmail.objects.filter(kind="packs.ready").exists()
    text = OutboundText.objects.get(kind="packs.ready")
    assert text.to == "+447700900222" and "Ben" not in text.body
    assert "پیر 7 دسمبر" in text.body, text.body
    assert pack.carers_told == 1


def test_with_no_email_and_no_mobile_the_office_is_told_in_english(closed: World) -> None:
    from homelearning.texts.models import CallOrPost

    world = closed
    Carer.objects.filter(user=world.parent).update(email="", phone="", preferred_language="ur")
    planned_week(world.ash, world.staff(world.teacher_ash))
    pack = services.pack_compile(pack=requested_pack(world), by=office(world), note="")
    services.pack_ready(pack=pack, by=office(world))
    entry = CallOrPost.objects.get(kind="packs.ready")
    assert entry.reason == CallOrPost.Reason.NO_CONTACT
    assert entry.message.startswith("Tell Pat Parker (Ben's pack): Balfour Test Infant School: a paper learning pack")
    assert "Monday 7 December" in entry.message
