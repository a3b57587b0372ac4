"""The teacher's morning email of children gone quiet: sent only when the list changes."""

from __future__ import annotations

import time_machine

from homelearning.core.models import OutboundEmail
from homelearning.engagement.models import PlanOpening
from homelearning.engagement.tasks import quiet_digest
from tests.engagement.builders import FRI, MON, NEXT_MON, SAT, THU, TUE, WED, at, snow_week
from tests.personas import World


def _digests() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="engagement.quiet_digest").order_by("pk"))


def test_the_digest_goes_only_when_the_list_changes(world: World) -> None:
    with time_machine.travel(at(MON, 7), tick=False):
        snow_week(world)
        PlanOpening.objects.create(school=world.school, pupil=world.amy, day=MON)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=MON)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=TUE)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=WED)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=THU)
        assert quiet_digest.call() == 0  # the first morning: nobody quiet yet, and nothing sent
    assert _digests() == []

    with time_machine.travel(at(WED, 6, 30), tick=False):
        assert quiet_digest.call() == 1  # Cara: Mon and Tue with nothing
    [first] = _digests()
    assert first.to == "teacher@balfour.test"
    assert "Cara Quinn (Oak): Not reached: 2 school days" in first.body_text
    assert "Amy" not in first.body_text and "Ben" not in first.body_text  # Amy opened Monday; Ben is Ash's

    with time_machine.travel(at(THU, 6, 30), tick=False):
        assert quiet_digest.call() == 1  # Amy has joined the list
        assert quiet_digest.call() == 0  # the same list again: nothing
    second = _digests()[-1]
    assert "Cara Quinn (Oak): Not reached: 3 school days" in second.body_text
    assert "Amy Parker (Oak): Quiet: 2 school days" in second.body_text
    assert second.body_text.index("Cara") < second.body_text.index("Amy")

    with time_machine.travel(at(FRI, 6, 30), tick=False):
        assert quiet_digest.call() == 0  # the same children, one more day each: not a change
    with time_machine.travel(at(SAT, 6, 30), tick=False):
        assert quiet_digest.call() == 0  # Saturday: no digest
    assert len(_digests()) == 2
    # Ash's teacher has had nothing: Ben opened every day.
    assert not OutboundEmail.objects.filter(to="ash.teacher@balfour.test", kind="engagement.quiet_digest").exists()


def test_a_list_that_empties_then_fills_again_is_sent_again(world: World) -> None:
    with time_machine.travel(at(MON, 7), tick=False):
        snow_week(world, last=NEXT_MON)
    with time_machine.travel(at(WED, 6, 30), tick=False):
        quiet_digest.call()
    before = len(_digests())
    with time_machine.travel(at(WED, 9), tick=False):
        for pupil in (world.amy, world.cara):
            PlanOpening.objects.create(school=world.school, pupil=pupil, day=WED)
    with time_machine.travel(at(THU, 6, 30), tick=False):
        assert quiet_digest.call() == 0  # everyone heard from yesterday: the list emptied, no email about it
    with time_machine.travel(at(NEXT_MON, 6, 30), tick=False):  # Thursday and Friday silent
        assert quiet_digest.call() == 1
    assert len(_digests()) == before + 1
