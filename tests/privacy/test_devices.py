"""Staff devices (DPR-04): a termly confirmation of the policy's six points; the headteacher sees who has not."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from homelearning.core.models import AuditEvent, Term
from homelearning.privacy import services
from homelearning.privacy.models import DeviceConfirmation
from tests.personas import World

ALL_SIX = {name: "on" for name in services.DEVICE_POINTS}


def test_confirming_all_six_points(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.teacher)
    page = client.get(reverse("privacy:device_confirm"))
    assert page.status_code == 200
    for label in services.DEVICE_POINTS.values():
        assert label.encode() in page.content
    response = client.post(reverse("privacy:device_confirm"), ALL_SIX)
    assert response.status_code == 302
    confirmation = DeviceConfirmation.objects.get()
    assert confirmation.staff == world.staff(world.teacher)
    assert AuditEvent.objects.filter(action="privacy.device.confirm", actor=world.teacher).exists()
    again = client.get(reverse("privacy:device_confirm"))
    assert b"You have confirmed your device for this term" in again.content


@pytest.mark.parametrize("skipped", ["disk_encrypted", "os_up_to_date"])
def test_skipping_a_point_is_refused_clearly(world: World, client_for, skipped: str) -> None:  # type: ignore[no-untyped-def]
    data = {k: v for k, v in ALL_SIX.items() if k != skipped}
    response = client_for(world.teacher).post(reverse("privacy:device_confirm"), data)
    assert response.status_code == 400
    assert b"Confirm all six points" in response.content
    assert services.DEVICE_POINTS[skipped].encode() in response.content
    assert not DeviceConfirmation.objects.exists()


def test_the_database_refuses_a_partial_confirmation(world: World) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceConfirmation.objects.create(
            staff=world.staff(world.teacher),
            school=world.school,
            term_key="2026-autumn",
            password_protected=True,
            disk_encrypted=False,
            locks_when_idle=True,
            not_shared=True,
            antivirus=True,
            os_up_to_date=True,
        )


def test_a_confirmation_lasts_one_term(world: World) -> None:
    Term.objects.create(
        school=world.school, name="Autumn", first_day=datetime.date(2026, 9, 2), last_day=datetime.date(2026, 12, 18)
    )
    Term.objects.create(
        school=world.school, name="Spring", first_day=datetime.date(2027, 1, 5), last_day=datetime.date(2027, 3, 26)
    )
    staff = world.staff(world.teacher)
    services.device_confirm(
        staff=staff, points=dict.fromkeys(services.DEVICE_POINTS, True), today=datetime.date(2026, 11, 2)
    )
    assert services.device_confirmed(staff, datetime.date(2026, 12, 24))  # the holiday after the term
    assert not services.device_confirmed(staff, datetime.date(2027, 1, 6))


def test_the_headteacher_sees_who_has_not_confirmed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for(world.teacher).post(reverse("privacy:device_confirm"), ALL_SIX)
    page = client_for(world.head).get(reverse("privacy:device_overview"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "7 members of staff have not confirmed" in text
    row_teacher = text[text.index("Tom Teal") : text.index("Tom Teal") + 300]
    assert "Confirmed" in row_teacher
    assert client_for(world.teacher).get(reverse("privacy:device_overview")).status_code == 403
    assert client_for(world.senior).get(reverse("privacy:device_overview")).status_code == 403
    outsider = client_for(world.outsider_head).get(reverse("privacy:device_overview"))
    assert b"Tom Teal" not in outsider.content


def test_the_school_can_hold_back_pupil_data_until_confirmed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pupil_page = reverse("people:pupil_detail", args=[world.amy.code])
    assert client_for(world.teacher).get(pupil_page).status_code == 200  # off by default
    client_for(world.head).post(reverse("privacy:device_overview"), {"required": "on"})
    assert AuditEvent.objects.filter(action="privacy.devices_required.change").exists()
    client = client_for(world.teacher)
    held = client.get(pupil_page)
    assert held.status_code == 302 and held["Location"].startswith(reverse("privacy:device_confirm"))
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("privacy:policy_in_force")).status_code == 200  # the policy stays readable
    # Parents are never held back.
    assert client_for(world.parent).get(reverse("home")).status_code == 200
    # Confirming lets the teacher in, back to where they were going.
    client = client_for(world.teacher)
    done = client.post(reverse("privacy:device_confirm") + f"?next={pupil_page}", {**ALL_SIX, "next": pupil_page})
    assert done.status_code == 302 and done["Location"] == pupil_page
    assert client.get(pupil_page).status_code == 200


def test_next_never_leaves_the_site(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    done = client_for(world.teacher).post(reverse("privacy:device_confirm"), {**ALL_SIX, "next": "https://evil.test/"})
    assert done.status_code == 302 and done["Location"] == reverse("home")


def test_an_api_token_is_held_back_too(world: World, client_for, client) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tests.api.builders import bearer, live_token

    _, secret = live_token(world.teacher)
    url = "/api/v1/classes"
    assert client.get(url, headers=bearer(secret)).status_code == 200  # off by default
    client_for(world.head).post(reverse("privacy:device_overview"), {"required": "on"})
    client.logout()
    held = client.get(url, headers=bearer(secret))
    assert held.status_code == 403
    assert "device checks" in held.json()["detail"]
    services.device_confirm(
        staff=world.staff(world.teacher), points=dict.fromkeys(ALL_SIX, True), today=timezone.localdate()
    )
    assert client.get(url, headers=bearer(secret)).status_code == 200
