"""A live invitation reaches a carer with no email by text, with the link that works only for them once
signed in (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from homelearning.core.models import OutboundEmail
from homelearning.live.models import Invitation
from homelearning.people.models import Carer, PupilCarer
from homelearning.texts.models import CallOrPost, OutboundText
from tests.fake_notify import FakeNotify
from tests.personas import World


@pytest.fixture
def quinn_by_text(world: World, notify: FakeNotify) -> Carer:
    carer = PupilCarer.objects.get(pupil=world.cara, is_primary=True).carer
    Carer.objects.filter(pk=carer.pk).update(email="", phone="+447700900555", preferred_language="pl")
    carer.refresh_from_db()
    return carer


def test_the_invitation_goes_by_text_with_the_carers_own_link(
    world: World, quinn_by_text: Carer, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("booked")
    invitation = Invitation.objects.get(pupil=world.cara)
    text = OutboundText.objects.get(kind="live_invitation")
    assert text.to == "+447700900555" and text.carer == quinn_by_text
    assert reverse("live:invitation", args=[invitation.code]) in text.body
    assert text.body.startswith("Cara") and "wtorek 12 stycznia o 10:00" in text.body
    assert OutboundEmail.objects.filter(kind="live_invitation").count() == 1  # Pat's, by email


def test_with_no_way_to_text_the_office_rings(world: World, request: pytest.FixtureRequest, settings) -> None:  # type: ignore[no-untyped-def]
    carer = PupilCarer.objects.get(pupil=world.cara, is_primary=True).carer
    Carer.objects.filter(pk=carer.pk).update(email="")
    settings.TEXTS_PROVIDER = ""
    request.getfixturevalue("booked")
    entry = CallOrPost.objects.get(kind="live_invitation")
    assert entry.carer_id == carer.pk
    assert entry.message.startswith(f"Tell {carer.full_name} (Cara, 'Story time'): Cara is invited to a live session")
