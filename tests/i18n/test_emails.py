"""Emails to a family come in the carer's preferred language (issue 16), and in English when none is set."""

from __future__ import annotations

from homelearning.contact import services as contact_services
from homelearning.contact.models import Enquiry
from homelearning.core.models import OutboundEmail
from homelearning.journal import services as journal_services
from homelearning.people.models import Carer
from tests.journal.builders import sent_work
from tests.personas import World


def _prefer(world: World, code: str) -> None:
    Carer.objects.filter(user=world.parent).update(preferred_language=code)


def test_feedback_email_is_in_the_carers_language(world: World) -> None:
    _prefer(world, "pl")
    item = sent_work(world.amy, world.parent)
    journal_services.feedback_give(item=item, by=world.staff(world.teacher), text="Super rocket, Amy!")
    email = OutboundEmail.objects.get(kind="journal.feedback")
    assert email.subject == "Nowa informacja zwrotna do pracy Twojego dziecka"
    assert "Przeczytaj w Home Learning:" in email.body_text and "Amy" not in email.body_text


def test_feedback_email_stays_english_without_a_language(world: World) -> None:
    item = sent_work(world.amy, world.parent)
    journal_services.feedback_give(item=item, by=world.staff(world.teacher), text="Well done")
    assert OutboundEmail.objects.get(kind="journal.feedback").subject == "New feedback on your child's work"


def test_the_daily_digest_counts_in_the_carers_language(world: World) -> None:
    from homelearning.journal.models import DigestEntry, FeedbackEmailChoice

    _prefer(world, "uk")
    carer = Carer.objects.get(user=world.parent, school=world.school)
    FeedbackEmailChoice.objects.update_or_create(carer=carer, defaults={"how": FeedbackEmailChoice.How.DIGEST})
    for _ in range(2):
        item = sent_work(world.amy, world.parent)
        journal_services.feedback_give(item=item, by=world.staff(world.teacher), text="Добре")
    assert DigestEntry.objects.filter(carer=carer).count() == 2
    assert journal_services.feedback_digests_send() == 1
    email = OutboundEmail.objects.get(kind="journal.feedback_digest")
    assert email.subject == "Нові відгуки на 2 роботи"


def test_the_answer_email_is_in_the_askers_language(world: World) -> None:
    _prefer(world, "ar")
    enquiry = Enquiry.objects.create(
        school=world.school,
        pupil=world.amy,
        about=Enquiry.About.LEARNING,
        asked_by=world.parent,
        asked_by_label="Pat Parker",
        message="?",
    )
    contact_services.enquiry_answer(enquiry=enquiry, by=world.staff(world.teacher), reply="Yes")
    email = OutboundEmail.objects.get(kind="contact.enquiry_answered")
    assert email.subject == "ردّت المدرسة على سؤالك"


def test_a_refusal_on_a_parents_form_is_in_their_language(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    """The service's own refusals, not only the form's, reach the family in their language."""
    from django.urls import reverse

    _prefer(world, "pl")
    client = client_for(world.parent)
    response = client.post(reverse("contact:enquiry_new"), {"about": "learning", "child": "", "message": "Pytanie"})
    assert response.status_code == 400
    assert "Wybierz, którego dziecka dotyczy pytanie o naukę." in response.content.decode()
    empty = client.post(reverse("contact:enquiry_new"), {"about": "general", "message": ""})
    assert "To pole jest wymagane." in empty.content.decode()
    assert not Enquiry.objects.exists()
