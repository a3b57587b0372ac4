from __future__ import annotations

import pytest
from django.urls import reverse

from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.journal import services
from homelearning.journal.models import CallRequest
from tests.personas import World

CALLS = reverse("journal:calls")


def test_parent_asks_for_a_call(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    target = reverse("journal:call_ask", args=[world.amy.code])
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.teacher).get(target).status_code == 403
    assert client_for(world.other_parent).get(target).status_code == 404
    assert client_for(world.parent).get(target).status_code == 200
    assert client_for(world.parent).post(target, {"reason": "  "}).status_code == 400
    assert not CallRequest.objects.exists()
    response = client_for(world.parent).post(target, {"reason": "Phonics help", "good_times": "After 4pm"})
    assert response.status_code == 302
    call = CallRequest.objects.get()
    assert call.pupil == world.amy and not call.by_staff and call.status == CallRequest.Status.OPEN


def test_staff_see_calls_for_their_pupils(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    services.call_request(pupil=world.amy, by=world.parent, by_label="P", reason="Phonics")
    assert client_for(None).get(CALLS).status_code == 302
    assert client_for(world.parent).get(CALLS).status_code == 403
    assert len(client_for(world.teacher_ash).get(CALLS).context["calls"]) == 0
    assert len(client_for(world.outsider_head).get(CALLS).context["calls"]) == 0
    response = client_for(world.teacher).get(CALLS)
    assert response.status_code == 200
    assert len(response.context["calls"]) == 1


def test_staff_schedule_a_call(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-11-23 09:00Z")
    client = client_for(world.teacher)
    bad = client.post(CALLS, {"pupil": world.outsider_pupil.code, "reason": "Check in"})
    assert bad.status_code == 400 and b"Choose a child." in bad.content
    past = client.post(CALLS, {"pupil": world.amy.code, "reason": "Check in", "call_on": "2026-11-20"})
    assert past.status_code == 400 and b"past" in past.content
    assert not CallRequest.objects.exists()
    ok = client.post(CALLS, {"pupil": world.amy.code, "reason": "Check in", "call_on": "2026-11-23"})
    assert ok.status_code == 302
    assert CallRequest.objects.get().by_staff
    assert b"Today" in client.get(CALLS).content


def test_log_a_call(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    call = services.call_request(pupil=world.amy, by=world.parent, by_label="P", reason="Phonics")
    target = reverse("journal:call_log", args=[call.code])
    assert client_for(world.teacher_ash).get(target).status_code == 404
    assert client_for(world.parent).get(target).status_code == 403
    assert client_for(world.teacher).post(target, {"outcome": "shouted"}).status_code == 400
    client_for(world.teacher).post(target, {"outcome": "no_answer"})
    call.refresh_from_db()
    assert call.status == CallRequest.Status.OPEN and call.outcome == "no_answer"  # still to call
    response = client_for(world.teacher).post(
        target, {"outcome": "spoke", "notes": "Talked through sounds", "follow_up": "Send phonics pack"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallRequest.Status.DONE and call.called_by == world.staff(world.teacher)
    assert call.follow_up == "Send phonics pack"
    with pytest.raises(InvalidTransition):
        services.call_log(call=call, by=world.staff(world.ta), outcome="spoke")
    with pytest.raises(ServiceError):
        services.call_log(call=call, by=world.staff(world.ta), outcome="")


def test_teachers_see_todays_calls_on_the_work_page(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-11-23 09:00Z")
    staff_by = world.teacher
    today = services.call_request(
        pupil=world.amy, by=staff_by, by_label="T", reason="Reading check", by_staff=True, call_on=_day("2026-11-23")
    )
    services.call_request(
        pupil=world.cara, by=staff_by, by_label="T", reason="Next week", by_staff=True, call_on=_day("2026-11-30")
    )
    asked = services.call_request(pupil=world.cara, by=world.other_parent, by_label="Q", reason="Phonics")
    services.call_request(pupil=world.ben, by=world.parent, by_label="P", reason="Ash class call")
    page = client_for(world.teacher).get(reverse("journal:inbox"))
    assert [c.code for c in page.context["todays_calls"]] == [today.code, asked.code]
    assert b"Reading check" in page.content and b"Next week" not in page.content
    assert [c.pupil for c in client_for(world.teacher_ash).get(reverse("journal:inbox")).context["todays_calls"]] == [
        world.ben
    ]


def _day(text: str):  # type: ignore[no-untyped-def]
    import datetime

    return datetime.date.fromisoformat(text)
