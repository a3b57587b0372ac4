"""A closure reaches every primary carer (issue 16): by email, by text where there is no email (or the carer
asked for texts), and else through the office's call-or-post list."""

from __future__ import annotations

from homelearning.core.models import OutboundEmail
from homelearning.people.models import Carer, PupilCarer
from homelearning.provision.tasks import closure_notify
from homelearning.texts.models import CallOrPost, OutboundText
from tests.fake_notify import FakeNotify, run_text_jobs
from tests.personas import World
from tests.provision.builders import MON, whole_school_closure


def test_no_email_means_a_text_in_the_carers_language(terms: World, notify: FakeNotify) -> None:
    world = terms
    quinn = PupilCarer.objects.get(pupil=world.cara, is_primary=True).carer
    Carer.objects.filter(pk=quinn.pk).update(email="", phone="+447700900444", preferred_language="pl")
    closure = whole_school_closure(world, first=MON, last=MON)
    assert closure_notify.call(closure_id=closure.pk) == 2
    assert list(OutboundEmail.objects.filter(kind="provision.closure").values_list("to", flat=True)) == [
        "pat.parker@example.com"
    ]
    text = OutboundText.objects.get(kind="provision.closure")
    assert text.to == "+447700900444" and text.carer_id == quinn.pk
    assert text.body.startswith("Balfour Test Infant School: szkoła zamknięta")
    assert f"/children/{world.cara.code}/learning/2026-11-30/" in text.body
    assert "Quinn" not in text.body  # first names only, and here none at all
    assert run_text_jobs() == ["sent"] and notify.bodies() == [text.body]


def test_a_carer_who_asked_for_texts_gets_one_even_with_an_email(terms: World, notify: FakeNotify) -> None:
    world = terms
    Carer.objects.filter(user=world.parent).update(phone="+447700900111", contact_by=Carer.ContactBy.TEXT)
    closure_notify.call(closure_id=whole_school_closure(world, first=MON, last=MON).pk)
    assert not OutboundEmail.objects.filter(kind="provision.closure", to="pat.parker@example.com").exists()
    assert OutboundText.objects.get(kind="provision.closure").to == "+447700900111"


def test_no_email_and_no_mobile_goes_on_the_office_list(terms: World, notify: FakeNotify) -> None:
    world = terms
    quinn = PupilCarer.objects.get(pupil=world.cara, is_primary=True).carer
    Carer.objects.filter(pk=quinn.pk).update(email="", phone="020 7946 0123")
    closure_notify.call(closure_id=whole_school_closure(world, first=MON, last=MON).pk)
    entry = CallOrPost.objects.get()
    assert entry.carer_id == quinn.pk and entry.reason == CallOrPost.Reason.NO_CONTACT
    assert entry.message.startswith(f"Tell {quinn.full_name} (Cara): Balfour Test Infant School: school closed")
    assert not OutboundText.objects.exists()
