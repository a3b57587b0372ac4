"""The office's Texts page: the month's texts against the allowance, the call-or-post list, recent texts;
the headteacher sets the allowance; the office records how a carer is reached."""

from __future__ import annotations

import pytest
from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.people.models import Carer
from homelearning.texts import services
from homelearning.texts.models import CallOrPost, TextAllowance
from tests.fake_notify import FakeNotify
from tests.personas import World


def _pat(world: World) -> Carer:
    return Carer.objects.get(user=world.parent, school=world.school)


def test_the_office_reads_the_list_and_marks_an_entry_done(notify: FakeNotify, world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pat = _pat(world)
    entry = services.office_list_add(
        carer=pat, school=world.school, kind="closure", message="Tell Pat the school is closed", reason="no_contact"
    )
    services.text_queue(to="07700 900123", body="Hello", kind="test", school=world.school, carer=pat)
    office = client_for(world.office)
    page = office.get(reverse("texts:index")).content.decode()
    assert "Tell Pat the school is closed" in page and "No email address or mobile number" in page
    assert "<strong>1</strong> of 500 segments used" in page and "07700 900123" in page
    assert 'name="monthly_segments"' not in page  # the headteacher's to set
    # Bad input: no choice made changes nothing.
    response = office.post(reverse("texts:office_done", args=[entry.code]), {"how": "sang"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.done == ""
    office.post(reverse("texts:office_done", args=[entry.code]), {"how": "called"})
    entry.refresh_from_db()
    assert entry.done == "called" and entry.done_by is not None
    assert AuditEvent.objects.filter(action="texts.office_list.done").count() == 1
    # Twice: a clear refusal, nothing changed.
    again = office.post(reverse("texts:office_done", args=[entry.code]), {"how": "posted"}, follow=True)
    assert "Someone has already dealt with this." in again.content.decode()
    assert CallOrPost.objects.get().done == "called"


def test_only_this_schools_office_and_leaders_see_it(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    entry = services.office_list_add(carer=_pat(world), school=world.school, kind="x", message="m", reason="no_contact")
    assert client_for(world.teacher).get(reverse("texts:index")).status_code == 403
    assert client_for(world.parent).get(reverse("texts:index")).status_code in {302, 403}
    outsider = client_for(world.outsider_head)
    assert outsider.post(reverse("texts:office_done", args=[entry.code]), {"how": "called"}).status_code == 404
    assert client_for(world.head).get(reverse("texts:index")).status_code == 200


@pytest.mark.parametrize("bad", ["", "-1", "lots", "100001"])
def test_the_headteacher_sets_the_allowance_and_bad_input_changes_nothing(world: World, client_for, bad: str) -> None:  # type: ignore[no-untyped-def]
    head = client_for(world.head)
    response = head.post(reverse("texts:allowance_set"), {"monthly_segments": bad})
    assert response.status_code == 400
    assert services.allowance_for(world.school).monthly_segments == 500
    head.post(reverse("texts:allowance_set"), {"monthly_segments": "1200"})
    assert TextAllowance.objects.get(school=world.school).monthly_segments == 1200
    assert AuditEvent.objects.filter(action="texts.allowance_set", details__was=500).exists()
    assert client_for(world.office).post(reverse("texts:allowance_set"), {"monthly_segments": "9"}).status_code == 403


def test_the_office_chooses_text_first_only_for_a_mobile(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pat = _pat(world)
    url = reverse("people:carer_contact_by", args=[world.amy.code, pat.code])
    office = client_for(world.office)
    Carer.objects.filter(pk=pat.pk).update(phone="020 7946 0123")
    page = office.post(url, {"contact_by": "text"}, follow=True).content.decode()
    assert "has no UK mobile number on record" in page
    assert Carer.objects.get(pk=pat.pk).contact_by == "email"
    Carer.objects.filter(pk=pat.pk).update(phone="+447700900123")
    office.post(url, {"contact_by": "pigeon"})
    assert Carer.objects.get(pk=pat.pk).contact_by == "email"
    office.post(url, {"contact_by": "text"})
    assert Carer.objects.get(pk=pat.pk).contact_by == "text"
    assert AuditEvent.objects.filter(action="carer.contact_by_set").count() == 1
    detail = office.get(reverse("people:pupil_detail", args=[world.amy.code])).content.decode()
    assert '<option value="text" selected>Text first, then email</option>' in detail and "07700 900123" in detail
