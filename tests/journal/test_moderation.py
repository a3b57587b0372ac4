from __future__ import annotations

from django.urls import reverse

from homelearning.journal import services
from homelearning.journal.models import Comment, WorkItem
from homelearning.safeguarding.models import Concern, ConcernCategory
from tests.journal.builders import sent_work
from tests.personas import World

QUEUE = reverse("journal:moderation")


def test_queue_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    services.comment_add(item=item, by=world.parent, by_label="Parent", text="Hello", by_staff=False)
    sent_work(world.outsider_pupil, world.outsider_parent)
    assert client_for(None).get(QUEUE).status_code == 302
    assert client_for(world.teacher).get(QUEUE).status_code == 403
    assert client_for(world.parent).get(QUEUE).status_code == 403
    response = client_for(world.senior).get(QUEUE)
    assert response.status_code == 200
    assert [i.code for i in response.context["item_page"]] == [item.code]  # never another school's
    assert len(response.context["comment_page"]) == 1


def test_mark_a_page_reviewed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    one = sent_work(world.amy, world.parent)
    two = sent_work(world.cara, world.other_parent)
    comment = services.comment_add(item=one, by=world.parent, by_label="Parent", text="Hi", by_staff=False)
    outsider = sent_work(world.outsider_pupil, world.outsider_parent)
    response = client_for(world.head).post(
        reverse("journal:moderation_review"),
        {"item": [one.code, two.code, outsider.code], "comment": [comment.code]},
    )
    assert response.status_code == 302
    assert WorkItem.objects.filter(moderated_by=world.head).count() == 2
    assert WorkItem.objects.get(pk=outsider.pk).moderated_at is None
    assert Comment.objects.get().moderated_by == world.head
    assert client_for(world.head).get(QUEUE).context["item_page"].paginator.count == 0


def test_mark_nothing_is_a_message(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("journal:moderation_review"), {"item": ["nope"]}, follow=True)
    assert b"Nothing was chosen" in response.content


def test_hide_work(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    target = reverse("journal:moderation_hide", args=[item.code])
    assert client_for(world.teacher).post(target, {"reason": "x"}).status_code == 403
    assert client_for(world.outsider_head).post(target, {"reason": "x"}).status_code == 404
    client_for(world.senior).post(target, {"reason": "Shows another child's face"})
    item.refresh_from_db()
    assert item.hidden_at is not None and item.hidden_by == world.senior
    assert client_for(world.parent).get(reverse("journal:item", args=[item.code])).status_code == 404


def test_escalate_to_the_dsl(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    target = reverse("journal:moderation_escalate", args=[item.code])
    assert client_for(world.teacher).get(target).status_code == 403
    assert client_for(world.outsider_head).get(target).status_code == 404
    assert client_for(world.senior).get(target).status_code == 200
    category = ConcernCategory.objects.get(slug="online")
    bad = client_for(world.senior).post(target, {"category": category.pk, "what": ""})
    assert bad.status_code == 400
    assert not Concern.objects.exists()
    response = client_for(world.senior).post(target, {"category": category.pk, "what": "A worrying drawing."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.source_type == "journal_item" and concern.source_code == item.code
    item.refresh_from_db()
    assert item.moderated_by == world.senior


def test_head_sees_whether_last_weeks_review_was_done(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-11-16 09:00Z")
    item = sent_work(world.amy, world.parent)
    time_machine.move_to("2026-11-20 09:00Z")
    assert not client_for(world.head).get(QUEUE).context["summary"].overdue
    time_machine.move_to("2026-11-24 09:00Z")
    response = client_for(world.head).get(QUEUE)
    assert response.context["summary"].overdue
    assert b"review is not finished" in response.content
    services.moderation_mark_reviewed(by=world.senior, items=[item])
    summary = client_for(world.head).get(QUEUE).context["summary"]
    assert not summary.overdue and summary.last_reviewed_at is not None


def test_queue_records_who_reviewed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    one = sent_work(world.amy, world.parent)
    sent_work(world.cara, world.other_parent)
    comment = services.comment_add(item=one, by=world.parent, by_label="Parent", text="Hi", by_staff=False)
    services.moderation_mark_reviewed(by=world.senior, items=[one], comments=[comment])
    rows = client_for(world.head).get(QUEUE).context["reviewers"]
    assert [(r.who, r.items, r.comments) for r in rows] == [("Sam Stone", 1, 1)]
    assert b"Sam Stone" in client_for(world.head).get(QUEUE).content


def test_head_sees_the_review_status_on_the_work_page(world: World, client_for, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-11-16 09:00Z")
    sent_work(world.amy, world.parent)
    time_machine.move_to("2026-11-24 09:00Z")
    page = client_for(world.head).get(reverse("journal:inbox"))
    assert page.context["summary"].overdue
    assert b"review is not finished" in page.content
    teacher_page = client_for(world.teacher).get(reverse("journal:inbox"))
    assert "summary" not in teacher_page.context and b"review is not finished" not in teacher_page.content
