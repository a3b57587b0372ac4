"""LIV-09: the office sends a child's invitations to another carer; the headteacher chooses the video service."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from homelearning.core.errors import PermissionRefused, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.live import services
from homelearning.live.models import InvitationRecipient, LiveSession, LiveSettings
from homelearning.people import services as people_services
from homelearning.people.models import Carer, PupilCarer
from tests.live.conftest import group_call
from tests.personas import World


def _schedule(world: World) -> LiveSession:
    return group_call(world)


@pytest.mark.usefixtures("term", "clock")
def test_invitations_go_to_the_carer_the_office_chose(world: World, dad: Carer) -> None:
    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office), note="With dad this week")
    session = _schedule(world)
    assert session.invitations.get(pupil=world.amy).carer == dad
    assert set(OutboundEmail.objects.filter(kind="live_invitation").values_list("to", flat=True)) == {
        "paul.parker@example.com",
        "q.quinn@example.com",
    }
    event = AuditEvent.objects.get(action="live.recipient.change")
    assert event.target_code == world.amy.code and event.details["carer"] == dad.code


def test_existing_unused_invitations_move_and_are_emailed(world: World, booked: LiveSession, dad: Carer) -> None:
    OutboundEmail.objects.all().delete()
    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))
    assert booked.invitations.get(pupil=world.amy).carer == dad
    email = OutboundEmail.objects.get(kind="live_invitation")
    assert email.to == "paul.parker@example.com"
    assert booked.invitations.get(pupil=world.amy).code in email.body_text
    # The father, signed in, can open the link; it still refuses everyone else.
    assert dad.user is not None


def test_back_to_the_primary_carer_ends_the_redirect(world: World, booked: LiveSession, dad: Carer) -> None:
    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))
    primary = PupilCarer.objects.get(pupil=world.amy, is_primary=True).carer
    assert services.recipient_set(pupil=world.amy, carer=primary, by=world.staff(world.office)) is None
    assert not InvitationRecipient.objects.filter(ended_at__isnull=True).exists()
    assert booked.invitations.get(pupil=world.amy).carer == primary


@pytest.mark.usefixtures("booked")
def test_recipient_refusals(world: World, dad: Carer) -> None:
    other = PupilCarer.objects.get(pupil=world.cara).carer
    with pytest.raises(ServiceError, match="one of the child's own carers"):
        services.recipient_set(pupil=world.amy, carer=other, by=world.staff(world.office))
    for user in (world.teacher, world.outsider_head):
        with pytest.raises(PermissionRefused):
            services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(user))
    Carer.objects.filter(pk=dad.pk).update(email="")
    dad.refresh_from_db()
    with pytest.raises(ServiceError, match="has no email address"):
        services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))
    assert not InvitationRecipient.objects.exists()


@pytest.mark.usefixtures("term", "clock")
def test_recipient_pages(world: World, dad: Carer, client_for) -> None:  # type: ignore[no-untyped-def]
    listing = reverse("live:recipient_list")
    change = reverse("live:recipient_change", args=[world.amy.code])
    assert client_for(None).get(listing).status_code == 302
    assert client_for(world.parent).get(listing).status_code == 403
    assert client_for(world.teacher).get(listing).status_code == 403
    assert client_for(world.outsider_head).get(change).status_code == 404
    page = client_for(world.office).get(listing).content.decode()
    assert "Amy Parker" in page and "Pat Parker" in page
    form = client_for(world.office).get(change).content.decode()
    assert "Paul Parker (paul.parker@example.com)" in form
    bad = client_for(world.office).post(change, {"carer": "not-a-carer"})
    assert bad.status_code == 400 and "Choose one of the child&#x27;s carers." in bad.content.decode()
    assert not InvitationRecipient.objects.exists()
    done = client_for(world.office).post(change, {"carer": dad.code, "note": "Staying with dad"})
    assert done.status_code == 302
    assert InvitationRecipient.objects.get().carer == dad
    assert "Changed by the office" in client_for(world.office).get(listing).content.decode()


# --- the school's video service -------------------------------------------------------------------


@pytest.fixture
def bbb_configured(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIVE_BBB_URL = "https://bbb.invalid/bigbluebutton/api/"
    settings.LIVE_BBB_SECRET = "x"


@pytest.mark.usefixtures("term", "clock", "bbb_configured")
def test_headteacher_chooses_the_provider_for_new_sessions(world: World) -> None:
    assert _schedule(world).provider == "demo"
    services.live_settings_change(school=world.school, by=world.staff(world.head), provider="bigbluebutton")
    assert _schedule(world).provider == "bigbluebutton"
    assert AuditEvent.objects.filter(action="live.settings.change").count() == 1


@pytest.mark.usefixtures("term", "clock")
def test_a_provider_without_credentials_cannot_be_chosen_and_is_never_used(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError, match="Microsoft Teams is not set up on this server"):
        services.live_settings_change(school=world.school, by=world.staff(world.head), provider="teams")
    with pytest.raises(PermissionRefused):
        services.live_settings_change(school=world.school, by=world.staff(world.teacher), provider="demo")
    # Chosen while configured, credentials removed later: the server default is used.
    LiveSettings.objects.create(school=world.school, provider="bigbluebutton")
    assert _schedule(world).provider == "demo"


@pytest.mark.usefixtures("bbb_configured")
def test_settings_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("live:live_settings")
    assert client_for(world.teacher).get(url).status_code == 403
    assert client_for(world.parent).get(url).status_code == 403
    page = client_for(world.head).get(url).content.decode()
    assert "BigBlueButton" in page and "Microsoft Teams" in page  # Teams only in the explanation
    assert 'value="teams"' not in page
    bad = client_for(world.head).post(url, {"provider": "teams"})
    assert bad.status_code == 400 and "Choose one of the video services set up on this server." in bad.content.decode()
    assert not LiveSettings.objects.exists()
    assert client_for(world.head).post(url, {"provider": "bigbluebutton"}).status_code == 302
    assert LiveSettings.objects.get(school=world.school).provider == "bigbluebutton"
    assert client_for(world.outsider_head).get(url).status_code == 200
    assert LiveSettings.objects.filter(school=world.other_school).count() == 0


def test_lists_cost_the_same_for_more_children(world: World, dad: Carer, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.recipient_set(pupil=world.amy, carer=dad, by=world.staff(world.office))

    def count(user, url: str) -> int:  # type: ignore[no-untyped-def]
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    recipients, bans = reverse("live:recipient_list"), reverse("live:ban_list")
    services.ban_create(pupil=world.amy, by=world.staff(world.head), days=3, reason="x")
    few = (count(world.office, recipients), count(world.head, bans))
    for n in range(4):
        pupil = people_services.pupil_create(
            school_class=world.oak, legal_first_name=f"Kid{n}", surname="More", date_of_birth=datetime.date(2020, 2, 2)
        )
        people_services.carer_link(
            pupil=pupil,
            first_name=f"Carer{n}",
            surname="More",
            email=f"carer{n}@example.com",
            relationship=PupilCarer.Relationship.MOTHER,
            is_primary=True,
        )
        services.ban_create(pupil=pupil, by=world.staff(world.head), days=3, reason="x")
    assert (count(world.office, recipients), count(world.head, bans)) == few
