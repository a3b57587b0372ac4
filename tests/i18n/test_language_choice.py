"""Choosing a language (issue 16): the carer's own choice, the office's, and bad input that changes nothing."""

from __future__ import annotations

from django.urls import reverse

from homelearning.core.models import AuditEvent
from homelearning.people.models import Carer
from tests.personas import World


def _languages(world: World) -> set[str]:
    return set(Carer.objects.filter(user=world.parent).values_list("preferred_language", flat=True))


def test_a_carer_chooses_a_language_for_every_school_and_the_next_page_is_in_it(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    response = client.post(reverse("people:language"), {"language": "uk", "next": "/privacy/notice/"})
    assert response.status_code == 302 and response["Location"] == "/privacy/notice/"
    assert _languages(world) == {"uk"}
    assert response.cookies["homelearning_language"].value == "uk"
    page = client.get("/privacy/notice/")
    assert page["Content-Language"] == "uk" and "Що ми зберігаємо" in page.content.decode()
    assert AuditEvent.objects.filter(action="carer.language_set", details__by="carer").exists()


def test_bad_input_changes_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    for data in ({"language": "xx"}, {"language": ""}, {}, {"language": "fr"}):
        response = client.post(reverse("people:language"), data)
        assert response.status_code == 400, data
        assert "homelearning_language" not in response.cookies
    assert _languages(world) == {""}
    # An address elsewhere is never followed.
    response = client.post(reverse("people:language"), {"language": "pl", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_before_signing_in_the_choice_is_kept_on_the_browser_only(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("people:language"), {"language": "ar"})
    assert response.status_code == 302 and response.cookies["homelearning_language"].value == "ar"
    page = client.get(reverse("account_login"))
    assert 'dir="rtl"' in page.content.decode() and page["Content-Language"] == "ar"
    assert not AuditEvent.objects.filter(action="carer.language_set").exists()


def test_staff_pages_stay_english_and_staff_have_no_chooser(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.teacher)
    client.cookies["homelearning_language"] = "pl"
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "en-gb" and reverse("people:language") not in page.content.decode()
    assert client.get(reverse("people:language")).status_code == 403


def test_the_office_sets_a_carers_language_and_others_cannot(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    pat = Carer.objects.get(user=world.parent, school=world.school)
    target = reverse("people:carer_language", args=[world.amy.code, pat.code])
    assert client_for(world.office).post(target, {"language": "ro"}).status_code == 302
    pat.refresh_from_db()
    assert pat.preferred_language == "ro"
    assert AuditEvent.objects.filter(action="carer.language_set", details__by="office").exists()
    # Bad input: nothing changes.
    client_for(world.office).post(target, {"language": "zz"})
    pat.refresh_from_db()
    assert pat.preferred_language == "ro"
    # A parent, another school's staff, or a carer who is not this child's: refused.
    assert client_for(world.parent).post(target, {"language": "pl"}).status_code == 403
    assert client_for(world.outsider_head).post(target, {"language": "pl"}).status_code == 404
    other = Carer.objects.get(user=world.other_parent)
    wrong = reverse("people:carer_language", args=[world.amy.code, other.code])
    assert client_for(world.office).post(wrong, {"language": "pl"}).status_code == 404
    pat.refresh_from_db()
    assert pat.preferred_language == "ro"
