from __future__ import annotations

import pytest
from django.urls import reverse

from homelearning.core.errors import InvalidTransition
from homelearning.core.models import OutboundEmail
from homelearning.journal import services
from homelearning.journal.models import Feedback, WorkItem
from tests.journal.builders import sent_work
from tests.personas import World


def test_inbox_ladder_and_counts(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sent_work(world.amy, world.parent)
    sent_work(world.cara, world.other_parent, photo=False)
    target = reverse("journal:inbox")
    assert client_for(None).get(target).status_code == 302
    assert client_for(world.parent).get(target).status_code == 403
    response = client_for(world.teacher).get(target)
    assert response.status_code == 200
    classes = {c.name: c.new_work for c in response.context["classes"]}
    assert classes == {world.oak.name: 2}
    assert b"Work</a>" in response.content  # the staff nav link


def test_class_inbox_oldest_first(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-11-23 09:00Z")
    first = sent_work(world.cara, world.other_parent)
    time_machine.move_to("2026-11-24 09:00Z")
    second = sent_work(world.amy, world.parent)
    target = reverse("journal:class_inbox", args=[world.oak.code])
    assert client_for(world.teacher_ash).get(target).status_code == 404  # not their class
    assert client_for(world.outsider_head).get(target).status_code == 404
    response = client_for(world.ta).get(target)
    assert response.status_code == 200
    assert [i.code for i in response.context["items"]] == [first.code, second.code]


def test_teacher_gives_feedback_and_family_is_emailed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    target = reverse("journal:feedback", args=[item.code])
    assert client_for(world.parent).post(target, {"text": "x"}).status_code == 403
    assert client_for(world.teacher_ash).post(target, {"text": "x"}).status_code == 404
    assert client_for(world.office).post(target, {"text": "x"}).status_code == 403  # sees it, not class staff
    response = client_for(world.teacher).post(target, {"text": "Super rocket, Amy!"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == WorkItem.Status.REVIEWED and item.reviewed_at is not None
    email = OutboundEmail.objects.get(kind="journal.feedback")
    assert "Amy" not in email.body_text and "rocket" not in email.body_text
    page = client_for(world.parent).get(reverse("journal:child", args=[world.amy.code]))
    assert b"Super rocket, Amy!" in page.content


def test_phone_feedback_by_ta(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    response = client_for(world.ta).post(
        reverse("journal:feedback", args=[item.code]), {"text": "Talked to mum about it.", "by_phone": "on"}
    )
    assert response.status_code == 302
    assert Feedback.objects.get().by_phone


def test_empty_feedback_changes_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    response = client_for(world.teacher).post(reverse("journal:feedback", args=[item.code]), {"text": "  "})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == WorkItem.Status.NEW
    assert not Feedback.objects.exists()


def test_second_reviewer_gets_a_conflict(world: World) -> None:
    item = sent_work(world.amy, world.parent)
    services.feedback_give(item=item, by=world.staff(world.teacher), text="Well done")
    with pytest.raises(InvalidTransition):
        services.feedback_give(item=item, by=world.staff(world.ta), text="Lovely")
    assert Feedback.objects.count() == 1


def test_conflict_in_view_is_a_message(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    services.feedback_give(item=item, by=world.staff(world.teacher), text="Well done")
    response = client_for(world.ta).post(reverse("journal:feedback", args=[item.code]), {"text": "Again"})
    assert response.status_code == 400
    assert b"already given feedback" in response.content


def test_phone_feedback_is_a_logged_call(world: World) -> None:
    from homelearning.journal.models import CallRequest

    item = sent_work(world.amy, world.parent)
    services.feedback_give(item=item, by=world.staff(world.ta), text="Talked to mum about the rocket.", by_phone=True)
    call = CallRequest.objects.get()
    assert call.pupil == world.amy and call.status == CallRequest.Status.DONE and call.outcome == "spoke"
    assert call.called_by == world.staff(world.ta) and call.notes == "Talked to mum about the rocket."


def test_mark_reviewed_without_feedback(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    target = reverse("journal:mark_reviewed", args=[item.code])
    assert client_for(world.parent).post(target).status_code == 403
    assert client_for(world.teacher_ash).post(target).status_code == 404
    assert client_for(world.office).post(target).status_code == 403
    assert client_for(world.teacher).get(target).status_code == 405
    assert client_for(world.teacher).post(target).status_code == 302
    item.refresh_from_db()
    assert item.status == WorkItem.Status.REVIEWED and item.reviewed_by == world.staff(world.teacher)
    assert not Feedback.objects.exists() and not OutboundEmail.objects.filter(kind="journal.feedback").exists()
    again = client_for(world.ta).post(target, follow=True)
    assert b"already given feedback" in again.content


def test_one_box_at_a_time_for_class_staff(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    """Issue 19: 'Feedback' and 'Comments' boxes side by side confused teachers. New work offers feedback only;
    once reviewed, a reply to the family; the family always has its own comment box."""
    item = sent_work(world.amy, world.parent)
    url = reverse("journal:item", args=[item.code])
    before = client_for(world.teacher).get(url).content.decode()
    assert "Give feedback" in before and "Reply to the family" not in before and "Add a comment" not in before
    assert "Conversation with the family" in before
    client_for(world.teacher).post(reverse("journal:feedback", args=[item.code]), {"text": "Lovely rocket!"})
    after = client_for(world.teacher).get(url).content.decode()
    assert "Give feedback" not in after and "Reply to the family" in after and "Send reply" in after
    family = client_for(world.parent).get(url).content.decode()
    assert "Add a comment" in family and "Reply to the family" not in family and "Conversation" not in family
    # A refused reply keeps the reply box and says why; nothing is added.
    refused = client_for(world.teacher).post(reverse("journal:comment", args=[item.code]), {"text": "  "})
    assert refused.status_code == 400 and "Reply to the family" in refused.content.decode()
    assert item.comments.count() == 0
