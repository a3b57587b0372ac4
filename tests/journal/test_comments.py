from __future__ import annotations

from django.urls import reverse

from homelearning.journal.models import Comment
from tests.journal.builders import sent_work
from tests.personas import World


def test_family_and_class_staff_talk_on_the_work(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    target = reverse("journal:comment", args=[item.code])
    assert client_for(None).post(target, {"text": "hi"}).status_code == 302
    assert client_for(world.other_parent).post(target, {"text": "hi"}).status_code == 404
    assert client_for(world.outsider_teacher).post(target, {"text": "hi"}).status_code == 404
    assert client_for(world.office).post(target, {"text": "hi"}).status_code == 403
    assert client_for(world.parent).post(target, {"text": "She loved it"}).status_code == 302
    assert client_for(world.teacher).post(target, {"text": "Great!"}).status_code == 302
    assert [c.by_staff for c in Comment.objects.order_by("pk")] == [False, True]


def test_script_in_a_comment_is_escaped(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    client = client_for(world.parent)
    client.post(reverse("journal:comment", args=[item.code]), {"text": "<script>alert(1)</script>"})
    page = client.get(reverse("journal:item", args=[item.code]))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_empty_or_long_comment_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    client = client_for(world.parent)
    assert client.post(reverse("journal:comment", args=[item.code]), {"text": "   "}).status_code == 400
    assert client.post(reverse("journal:comment", args=[item.code]), {"text": "x" * 2001}).status_code == 400
    assert not Comment.objects.exists()


def test_staff_hide_a_comment_and_it_is_kept(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    item = sent_work(world.amy, world.parent)
    client_for(world.parent).post(reverse("journal:comment", args=[item.code]), {"text": "Call me on 07700 900123"})
    comment = Comment.objects.get()
    target = reverse("journal:comment_hide", args=[item.code, comment.code])
    assert client_for(world.parent).post(target, {"reason": "x"}).status_code == 403
    assert client_for(world.teacher_ash).post(target, {"reason": "x"}).status_code == 404
    client_for(world.teacher).post(target, {"reason": ""})
    comment.refresh_from_db()
    assert comment.hidden_at is None  # no reason, nothing changed
    client_for(world.teacher).post(target, {"reason": "Personal phone number"})
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_by == world.teacher
    assert comment.hidden_reason == "Personal phone number"
    family_page = client_for(world.parent).get(reverse("journal:item", args=[item.code]))
    assert b"07700 900123" not in family_page.content
    staff_page = client_for(world.teacher).get(reverse("journal:item", args=[item.code]))
    assert b"07700 900123" in staff_page.content and b"Personal phone number" in staff_page.content
