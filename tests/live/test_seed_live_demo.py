from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homelearning.core.models import OutboundEmail
from homelearning.live.models import LiveSession
from tests.personas import World


def test_the_demo_books_one_story_time_per_staffed_class_once(world: World, term, clock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_MODE = True
    call_command("seed_live_demo", stdout=io.StringIO())
    sessions = list(LiveSession.objects.filter(school=world.school))
    assert [s.school_class for s in sessions] == [world.oak]  # the only class with a teacher and a TA
    session = sessions[0]
    assert session.kind == LiveSession.Kind.STORY_TIME
    assert session.monitor != session.host
    assert session.invitations.count() == 2
    assert OutboundEmail.objects.filter(kind="live_invitation").count() == 2
    call_command("seed_live_demo", stdout=io.StringIO())
    assert LiveSession.objects.filter(school=world.school).count() == 1


def test_only_in_demo_mode(db: None) -> None:
    with pytest.raises(CommandError, match="demo only"):
        call_command("seed_live_demo")
