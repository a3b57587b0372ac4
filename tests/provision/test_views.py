from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from homelearning.provision.models import Case, Closure, RegisterMark
from tests.pdfs import plain_pdf
from tests.personas import World
from tests.provision.builders import FRI, MON, active_case, agreed_case, requested_case, whole_school_closure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _ladder(client_for, url: str, anon_ok: bool, wrong, right, outsider=None) -> None:  # type: ignore[no-untyped-def]
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in wrong:
        assert client_for(user).get(url).status_code == 403, user
    if outsider is not None:
        assert client_for(outsider).get(url).status_code == 404
    for user in right:
        assert client_for(user).get(url).status_code == 200, user


def test_dashboard_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _ladder(
        client_for,
        reverse("provision:dashboard"),
        False,
        wrong=[world.office, world.teacher, world.parent],
        right=[world.head, world.senior, world.outsider_head],
    )


def test_dashboard_shows_everything(world: World, client_for, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    whole_school_closure(world)
    active_case(world, pupil=world.ben, start=MON, end=FRI)
    requested_case(world)
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False):
        page = client_for(world.head).get(reverse("provision:dashboard")).content.decode()
    assert "Extreme weather" in page
    assert "Ben Parker" in page  # at his time limit
    assert 'aria-current="page">Remote education' in page


def test_closure_list_ladder_and_declare(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("provision:closure_list")
    _ladder(client_for, url, False, wrong=[world.parent], right=[world.teacher, world.office, world.head])
    data = {"reason": "extreme_weather", "scope": "whole", "first_day": "2026-11-30", "last_day": "2026-12-04"}
    response = client_for(world.office).post(url, data)
    assert response.status_code == 302 and not Closure.objects.exists()
    response = client_for(world.head).post(url, data)
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert response["Location"] == reverse("provision:closure_detail", args=[closure.code])
    assert RegisterMark.objects.count() == 30
    # Again: nothing changes.
    client_for(world.head).post(url, data)
    assert Closure.objects.count() == 1 and RegisterMark.objects.count() == 30


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "boredom", "scope": "whole", "first_day": "2026-11-30", "last_day": "2026-12-04"},
        {"reason": "extreme_weather", "scope": "whole", "first_day": "2026-12-04", "last_day": "2026-11-30"},
        {"reason": "extreme_weather", "scope": "whole", "first_day": "not a date", "last_day": "2026-11-30"},
        {"reason": "extreme_weather", "scope": "classes", "first_day": "2026-11-30", "last_day": "2026-12-04"},
        {
            "reason": "extreme_weather",
            "scope": "classes",
            "classes": "nope",
            "first_day": "2026-11-30",
            "last_day": "2026-11-30",
        },
        {"reason": "extreme_weather", "scope": "whole", "first_day": "2026-11-28", "last_day": "2026-11-28"},
    ],
)
def test_declare_bad_input(world: World, client_for, data: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.head).post(reverse("provision:closure_list"), data)
    assert response.status_code == 400
    assert not Closure.objects.exists() and not RegisterMark.objects.exists()


def test_closure_detail_ladder_and_change(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    closure = whole_school_closure(world)
    url = reverse("provision:closure_detail", args=[closure.code])
    _ladder(
        client_for, url, False, wrong=[world.parent], right=[world.teacher, world.head], outsider=world.outsider_head
    )
    client_for(world.head).post(url, {"last_day": "2026-12-01", "end": "on"})
    closure.refresh_from_db()
    assert closure.status == Closure.Status.ENDED and RegisterMark.objects.count() == 12
    response = client_for(world.head).post(url, {"last_day": "2026-12-04"})
    assert response.status_code == 302 and RegisterMark.objects.count() == 12


def test_case_list_ladder_and_teacher_sees_only_their_pupils(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    requested_case(world, pupil=world.ben)
    url = reverse("provision:case_list")
    _ladder(client_for, url, False, wrong=[world.parent], right=[world.teacher, world.office, world.head])
    assert "Ben Parker" not in client_for(world.teacher).get(url).content.decode()
    page = client_for(world.teacher_ash).get(url).content.decode()
    assert "Ben Parker" in page and "Record a request" not in page


def test_case_new_ladder_and_refusal(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("provision:case_new")
    _ladder(client_for, url, False, wrong=[world.teacher, world.ta, world.parent], right=[world.office, world.head])
    response = client_for(world.office).post(
        url,
        {
            "pupil": world.amy.code,
            "requested_by": "Mrs Parker",
            "requested_on": "2026-11-27",
            "reason": "misbehaviour",
        },
        follow=True,
    )
    assert "suspension" in response.content.decode()
    case = Case.objects.get()
    assert case.status == Case.Status.REFUSED and not RegisterMark.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"pupil": "nobody", "requested_by": "x", "requested_on": "2026-11-27", "reason": "medical"},
        {"pupil": "OUTSIDER", "requested_by": "x", "requested_on": "2026-11-27", "reason": "medical"},
        {"pupil": "AMY", "requested_by": "x", "requested_on": "2026-12-27", "reason": "medical"},
        {"pupil": "AMY", "requested_by": "", "requested_on": "2026-11-27", "reason": "medical"},
        {"pupil": "AMY", "requested_by": "x", "requested_on": "2026-11-27", "reason": "fun"},
    ],
)
def test_case_new_bad_input(world: World, client_for, data: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    codes = {"AMY": world.amy.code, "OUTSIDER": world.outsider_pupil.code}
    if "pupil" in data:
        data = {**data, "pupil": codes.get(data["pupil"], data["pupil"])}
    response = client_for(world.office).post(reverse("provision:case_new"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_second_open_case_via_web(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    requested_case(world)
    response = client_for(world.office).post(
        reverse("provision:case_new"),
        {"pupil": world.amy.code, "requested_by": "x", "requested_on": "2026-11-27", "reason": "medical"},
    )
    assert response.status_code == 400 and "already has an open case" in response.content.decode()
    assert Case.objects.count() == 1


def test_case_detail_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    url = reverse("provision:case_detail", args=[case.code])
    _ladder(
        client_for, url, False, wrong=[world.parent], right=[world.teacher, world.head], outsider=world.outsider_head
    )
    assert client_for(world.teacher_ash).get(url).status_code == 404
    page = client_for(world.teacher).get(url).content.decode()
    assert "Record the risk assessment" not in page and "Pat Parker (mother)" in page
    page = client_for(world.head).get(url).content.decode()
    assert "a risk assessment" in page and "the agreement of Pat Parker (mother)" in page


def test_case_workflow_through_the_web(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    head = client_for(world.head)

    def url(name: str) -> str:
        return reverse(f"provision:{name}", args=[case.code])

    assert (
        head.post(
            url("case_risk"), {"assessed_on": "2026-11-27", "assessed_by": "Mr Stone", "findings": "Ok"}
        ).status_code
        == 302
    )
    assert (
        head.post(url("case_advice"), {"advised_on": "2026-11-27", "advised_by": "GP", "summary": "Rest"}).status_code
        == 302
    )
    for party in case.parties.all():
        assert (
            head.post(
                url("case_agreement"), {"party": party.pk, "agreed_on": "2026-11-27", "how": "meeting"}
            ).status_code
            == 302
        )
    response = head.post(url("case_activate"), {"start_date": "2026-11-30", "end_date": "2026-12-04", "code": "C2"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and set(
        RegisterMark.objects.values_list("absence_code_id", flat=True)
    ) == {"C2"}
    # A second click (or a second leader) gets a clear message, not a second set of marks.
    response = head.post(
        url("case_activate"), {"start_date": "2026-11-30", "end_date": "2026-12-04", "code": "C2"}, follow=True
    )
    assert "already started" in response.content.decode()
    assert head.post(url("case_end"), {"return_date": "2026-12-02"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and RegisterMark.objects.count() == 4


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("case_risk", {"assessed_on": "x"}),
        ("case_advice", {}),
        ("case_agreement", {"party": "999999", "agreed_on": "2026-11-27", "how": "meeting"}),
        ("case_activate", {"start_date": "2026-11-30", "end_date": "2026-12-04", "code": "/"}),
        ("case_activate", {"start_date": "2026-11-30"}),
    ],
)
def test_case_action_bad_input(world: World, client_for, name: str, data: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world)
    response = client_for(world.head).post(reverse(f"provision:{name}", args=[case.code]), data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.PREPARING and not RegisterMark.objects.exists()


def test_activate_before_agreement_says_who_is_missing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    response = client_for(world.head).post(
        reverse("provision:case_activate", args=[case.code]),
        {"start_date": "2026-11-30", "end_date": "2026-12-04", "code": "I"},
        follow=True,
    )
    assert "Still needed" in response.content.decode() and "Amy Parker (the pupil)" in response.content.decode()
    assert not RegisterMark.objects.exists()


def test_case_actions_need_a_leader(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = agreed_case(world)
    url = reverse("provision:case_activate", args=[case.code])
    data = {"start_date": "2026-11-30", "end_date": "2026-12-04", "code": "I"}
    assert client_for(None).post(url, data).status_code == 302
    assert client_for(world.office).post(url, data).status_code == 403
    assert client_for(world.teacher).post(url, data).status_code == 403
    assert client_for(world.outsider_head).post(url, data).status_code == 404
    assert client_for(world.head).get(url).status_code == 405
    assert not RegisterMark.objects.exists()


def test_register_export(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    whole_school_closure(world)
    url = reverse("provision:register_export")
    _ladder(client_for, url, False, wrong=[world.teacher, world.parent], right=[world.office, world.head])
    response = client_for(world.office).get(url, {"start": "2026-11-30", "end": "2026-11-30"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "UPN,Surname,Forename,Date,Session,Code,Reason"
    assert "T938456789012,Parker,Amelia,2026-11-30,AM,Y4,Extreme weather" in lines
    assert len(lines) == 1 + 3 * 2
    # The other school's office exports nothing of ours.
    other = client_for(world.outsider_head).get(url, {"start": "2026-11-30", "end": "2026-11-30"})
    assert other.content.decode().strip().splitlines() == ["UPN,Surname,Forename,Date,Session,Code,Reason"]


def test_the_register_can_be_read_on_the_page(world: World, client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from homelearning.core.models import AuditEvent
    from homelearning.provision import views

    whole_school_closure(world)
    url = reverse("provision:register_export")
    response = client_for(world.office).get(url, {"start": "2026-11-30", "end": "2026-11-30", "as": "page"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "6 sessions, 30 November 2026 to 30 November 2026" in page
    assert "<td>Amelia Parker</td><td>T938456789012</td><td>Y4</td><td>Extreme weather</td>" in page
    assert AuditEvent.objects.filter(action="register.view").count() == 1
    # A long range shows the first rows and says the CSV has them all.
    monkeypatch.setattr(views, "REGISTER_PAGE_ROWS", 4)
    page = client_for(world.office).get(url, {"start": "2026-11-30", "end": "2026-12-04", "as": "page"}).content
    assert b"(the first 4; download the CSV for them all)" in page
    # Another school's office sees none of ours.
    other = client_for(world.outsider_head).get(url, {"start": "2026-11-30", "end": "2026-11-30", "as": "page"})
    assert b"No pupil was in remote education in this range." in other.content


@pytest.mark.parametrize(
    "params",
    [
        {"start": "x", "end": "2026-11-30"},
        {"start": "2026-12-30", "end": "2026-11-30"},
        {"start": "2025-01-01", "end": "2026-11-30"},
    ],
)
def test_register_export_bad_input(world: World, client_for, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.office).get(reverse("provision:register_export"), params)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_dashboard_queries_do_not_grow_with_cases(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.head)
    whole_school_closure(world)
    active_case(world, pupil=world.ben)
    url = reverse("provision:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    active_case(world, pupil=world.amy)
    active_case(world, pupil=world.cara)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three.captured_queries) == len(one.captured_queries)


def test_withdraw_via_web(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    case = requested_case(world)
    url = reverse("provision:case_withdraw", args=[case.code])
    assert client_for(world.office).post(url).status_code == 403
    assert client_for(world.outsider_head).post(url).status_code == 404
    assert client_for(world.head).post(url, {"note": "No longer needed"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    response = client_for(world.head).post(url, follow=True)
    assert "Only a case being prepared" in response.content.decode()


def test_document_download_is_for_leaders_and_logged(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from homelearning.core.models import AuditEvent
    from homelearning.provision import services

    case = requested_case(world)
    assessment = services.risk_assessment_record(
        case=case,
        by=world.staff(world.head),
        assessed_on=datetime.date(2026, 11, 27),
        assessed_by="Mr Stone",
        findings="Fine",
        document=SimpleUploadedFile("ra.pdf", plain_pdf(), content_type="application/pdf"),
    )
    try:
        url = reverse("provision:case_document", args=[case.code, "risk", assessment.pk])
        assert client_for(None).get(url).status_code == 302
        assert client_for(world.teacher).get(url).status_code == 403
        assert client_for(world.outsider_head).get(url).status_code == 404
        assert (
            client_for(world.head).get(reverse("provision:case_document", args=[case.code, "nope", 1])).status_code
            == 404
        )
        response = client_for(world.head).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
        assert AuditEvent.objects.filter(action="case.document.view").count() == 1
    finally:
        assessment.document.delete(save=False)


# --- issue 19: a picker that tells pupils apart and finds one among hundreds -------------------------------------


def test_case_picker_groups_by_class_and_names_the_birthday(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from homelearning.people import services as people

    # Another Amelia Parker in Oak: the birthday tells them apart.
    people.pupil_create(
        school_class=world.oak, legal_first_name="Amelia", surname="Parker", date_of_birth=datetime.date(2020, 9, 9)
    )
    page = client_for(world.office).get(reverse("provision:case_new")).content.decode()
    assert '<optgroup label="Oak (Year 1)">' in page and '<optgroup label="Ash (Year 2)">' in page
    assert "Amy Parker (born 4 March 2020)</option>" in page
    assert "Ben Parker (born 20 January 2019)</option>" in page
    assert page.index('label="Oak (Year 1)"') < page.index("Amy Parker (born") < page.index('label="Ash (Year 2)"')
    assert "Amelia Parker (born 9 September 2020)</option>" in page


def test_case_picker_search(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("provision:case_new")
    client = client_for(world.office)
    parkers = client.get(url, {"q": "parker"}).content.decode()
    assert "2 pupils match “parker”." in parkers
    assert "Amy Parker (born" in parkers and "Ben Parker (born" in parkers and "Cara Quinn (born" not in parkers
    # Every word must match, in any order and case; a preferred first name is a name too.
    one = client.get(url, {"q": "PARKER amy"}).content.decode()
    assert "1 pupil match" in one
    assert f'<option value="{world.amy.code}" selected>Amy Parker' in one  # the only match is chosen
    none = client.get(url, {"q": "Zebedee"}).content.decode()
    assert "No pupil on roll matches “Zebedee”." in none and "(born" not in none
    # Another school's pupil is never found.
    assert "(born" not in client.get(url, {"q": world.outsider_pupil.surname}).content.decode()


def test_case_picker_keeps_the_search_when_the_form_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.office).post(
        reverse("provision:case_new"),
        {"q": "quinn", "pupil": world.cara.code, "requested_by": "", "requested_on": "2026-11-27", "reason": "medical"},
    )
    text = response.content.decode()
    assert response.status_code == 400 and "1 pupil match" in text and "Amy Parker (born" not in text
    assert f'<option value="{world.cara.code}" selected>' in text
    assert not Case.objects.exists()
    # A pupil outside the search is still accepted (the search only narrows what is shown).
    response = client_for(world.office).post(
        reverse("provision:case_new"),
        {
            "q": "quinn",
            "pupil": world.amy.code,
            "requested_by": "Mrs Parker",
            "requested_on": "2026-11-27",
            "reason": "medical",
        },
    )
    assert response.status_code == 302 and Case.objects.get().pupil == world.amy


def test_a_pupil_who_has_left_is_not_offered(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    world.ben.left_on = datetime.date(2026, 11, 1)
    world.ben.save(update_fields=["left_on"])
    page = client_for(world.office).get(reverse("provision:case_new")).content.decode()
    assert "Ben Parker (born" not in page
    response = client_for(world.office).post(
        reverse("provision:case_new"),
        {"pupil": world.ben.code, "requested_by": "x", "requested_on": "2026-11-27", "reason": "medical"},
    )
    assert response.status_code == 400 and not Case.objects.exists()
