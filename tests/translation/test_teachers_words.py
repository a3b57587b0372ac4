"""The teacher's own words in the family's language (issue 16, step 2): queued with the writing, translated
with every name kept back, cached by the source's hash, shown with a note and the original; the original
when nothing is configured, when the provider fails, or when its answer lost a placeholder."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from homelearning.contact import services as contact_services
from homelearning.journal import services as journal_services
from homelearning.journal.models import WorkItem
from homelearning.learning import services as learning
from homelearning.people import services as people_services
from homelearning.people.models import Carer, Pupil, Staff
from homelearning.translation.models import MachineTranslation
from homelearning.translation.tasks import MAX_ATTEMPTS, translate_work
from tests.fake_translator import TASK, FakeAzure, run_translation_jobs
from tests.learning.conftest import TODAY, subject
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def _polish(world: World) -> Carer:
    carer = Carer.objects.get(user=world.parent, school=world.school)
    Carer.objects.filter(pk=carer.pk).update(preferred_language="pl")
    return carer


def _jobs() -> list[dict[str, Any]]:
    return [r.args_kwargs["kwargs"] for r in DBTaskResult.objects.filter(task_path=TASK, status="READY")]


run_jobs = run_translation_jobs


def _activity(world: World, title: str, instructions: str = "") -> Any:
    staff = Staff.objects.get(user=world.teacher)
    plan = learning.plan_get_or_create(school_class=world.oak, day=TODAY, by=staff)
    return learning.activity_add(
        plan=plan, by=staff, subject=subject("maths"), title=title, minutes=30, instructions=instructions
    )


def _home(client_for, world: World) -> str:  # type: ignore[no-untyped-def]
    return client_for(world.parent).get(reverse("home")).content.decode()


def test_a_polish_family_reads_the_plan_translated_no_name_sent(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    _activity(
        world,
        "Count the stairs with Amy",
        "Ask Mr Teal if stuck: tom.teal@balfour.test or 01632 960123.\nThen Amelia Parker draws them.",
    )
    assert _jobs(), "the job is queued with the activity"
    assert run_jobs()[-1].endswith("stored")
    sent = "\n".join(azure.texts_sent())
    for personal in ("Amy", "Amelia", "Parker", "Teal", "tom.teal", "01632", "Tom"):
        assert personal not in sent
    assert {r["query"]["to"] for r in azure.requests} == {"pl"}  # only the languages its readers want
    page = _home(client_for, world)
    assert "1. pl:Count pl:the pl:stairs pl:with Amy</h" in page
    start = page.index('<div class="instructions"')
    instructions = page[start : page.index("</div>", start)]
    assert "pl:Ask pl:Mr Teal pl:if pl:stuck: tom.teal@balfour.test" in instructions, instructions
    assert "01632 960123" in instructions and "Amelia Parker pl:draws pl:them." in instructions
    # The visible note, in Polish, and the original English beside it.
    assert "Przetłumaczone automatycznie" in page and "Pokaż oryginał (po angielsku)" in page
    assert page.count('class="machine-note"') == 1
    assert '<div lang="en-GB" dir="ltr"><p class="original">Count the stairs with Amy</p>' in page


def test_english_readers_and_staff_see_the_original(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    _activity(world, "Count the stairs")
    run_jobs()
    other = client_for(world.other_parent).get(reverse("home")).content.decode()  # Cara's family: English
    assert "1. Count the stairs</h" in other and "machine-note" not in other
    teacher = client_for(world.teacher).get(reverse("learning:plan_day", args=[world.oak.code, TODAY.isoformat()]))
    assert "pl:Count" not in teacher.content.decode()


def test_nothing_configured_queues_nothing_and_shows_the_original(settings, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    settings.MACHINE_TRANSLATION_PROVIDER = ""
    _polish(world)
    _activity(world, "Count the stairs")
    assert _jobs() == []
    page = _home(client_for, world)
    assert "1. Count the stairs</h" in page and "machine-note" not in page


def test_a_text_is_translated_once_and_again_only_when_edited(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    activity = _activity(world, "Count the stairs")
    run_jobs()
    calls = len(azure.requests)
    _activity(world, "Shapes in the kitchen")  # the plan's job again: only the new title goes
    run_jobs()
    assert len(azure.requests) == calls + 1 and azure.requests[-1]["body"] == [{"Text": "Shapes in the kitchen"}]
    assert MachineTranslation.objects.count() == 2
    learning.activity_update(
        activity=activity,
        by=Staff.objects.get(user=world.teacher),
        title="Count the steps",
        minutes=30,
        subject=subject("maths"),
        instructions="",
    )
    run_jobs()
    page = _home(client_for, world)
    assert "pl:Count pl:the pl:steps</h" in page and "pl:stairs" not in page


def test_a_provider_failure_retries_later_and_then_gives_up(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    _activity(world, "Count the stairs")
    azure.mode = "http500"
    assert run_jobs() == ["retrying: The translation service refused the request (HTTP 500)."]
    (retry,) = DBTaskResult.objects.filter(task_path=TASK, status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2 and retry.run_after > retry.enqueued_at
    page = _home(client_for, world)
    assert "1. Count the stairs</h" in page and "machine-note" not in page  # the original meanwhile
    assert translate_work.call(**{**retry.args_kwargs["kwargs"], "attempt": MAX_ATTEMPTS}).startswith("gave up")
    azure.mode = "ok"
    retry.delete()
    assert run_jobs() == [] and MachineTranslation.objects.count() == 0


def test_a_translation_that_lost_a_name_is_not_kept(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    _activity(world, "Read with Amy")
    azure.mode = "drop"
    assert run_jobs() == ["0 stored"]
    assert "1. Read with Amy</h" in _home(client_for, world)


def test_feedback_comments_and_answers_translated_for_the_family(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _polish(world)
    teacher = Staff.objects.get(user=world.teacher)
    item = WorkItem.objects.create(school=world.school, pupil=world.amy, sent_by=world.parent, sent_by_label="Mum")
    journal_services.feedback_give(item=item, by=teacher, text="Lovely counting, Amy!")
    journal_services.comment_add(
        item=item, by=world.teacher, by_label="Mr Teal", text="Try the stairs next", by_staff=True
    )
    journal_services.comment_add(item=item, by=world.parent, by_label="Mum", text="We will try", by_staff=False)
    enquiry = contact_services.enquiry_send(
        school=world.school, by=world.parent, by_label="Mum", about="learning", message="When is PE?", pupil=world.amy
    )
    contact_services.enquiry_answer(enquiry=enquiry, by=teacher, reply="PE is on Friday")
    assert sorted(j["kind"] for j in _jobs()) == ["comment", "enquiry", "feedback"]  # not the family's own comment
    run_jobs()
    client = client_for(world.parent)
    work = client.get(reverse("journal:item", args=[item.code])).content.decode()
    assert "pl:Lovely pl:counting, Amy!" in work and "pl:Try pl:the pl:stairs pl:next" in work
    assert "We will try" in work and "pl:We" not in work
    assert work.count('class="machine-note"') == 2
    journal = client.get(reverse("journal:child", args=[world.amy.code])).content.decode()
    assert "pl:Lovely pl:counting, Amy!" in journal
    answer = client.get(reverse("contact:enquiry", args=[enquiry.code])).content.decode()
    assert "pl:PE pl:is pl:on pl:Friday" in answer and 'class="machine-note"' in answer
    # The teacher reads their own words.
    staff_view = client_for(world.teacher).get(reverse("journal:item", args=[item.code])).content.decode()
    assert "pl:" not in staff_view


def test_choosing_a_language_translates_the_coming_days(azure: FakeAzure, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _activity(world, "Count the stairs")
    assert run_jobs() == ["0 stored"]  # nobody reads another language yet
    carer = Carer.objects.get(user=world.parent, school=world.school)
    people_services.carer_language_set(carers=[carer], language="uk", by=world.parent, how="carer")
    run_jobs()
    assert {r["query"]["to"] for r in azure.requests} == {"uk"}
    assert "uk:Count" in _home(client_for, world)


def test_names_of_every_kind_the_school_holds_are_kept_back(azure: FakeAzure, world: World) -> None:
    _polish(world)
    carer = Carer.objects.get(user=world.parent, school=world.school)
    pupil = Pupil.objects.get(pk=world.cara.pk)
    _activity(world, f"{carer.first_name} and {pupil.surname} and Mrs {Staff.objects.get(user=world.head).surname}")
    run_jobs()
    (sent,) = azure.texts_sent()
    assert sent.count("notranslate") == 3 and carer.first_name not in sent and pupil.surname not in sent


def test_an_old_day_is_not_queued_when_a_language_is_chosen(azure: FakeAzure, world: World) -> None:
    staff = Staff.objects.get(user=world.teacher)
    plan = learning.plan_get_or_create(school_class=world.oak, day=TODAY - datetime.timedelta(days=1), by=staff)
    learning.activity_add(plan=plan, by=staff, subject=subject("maths"), title="Yesterday", minutes=10)
    run_jobs()
    carer = Carer.objects.get(user=world.parent, school=world.school)
    people_services.carer_language_set(carers=[carer], language="pl", by=world.parent, how="carer")
    assert _jobs() == []
