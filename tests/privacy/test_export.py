"""Subject access export (DPR-03): every record held about a pupil or carer, in one ZIP."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from homelearning.core.models import AuditEvent
from homelearning.people.models import Pupil
from homelearning.privacy import services
from homelearning.privacy.export import EXCLUDED, SECTIONS, models_about_people
from homelearning.privacy.models import SubjectAccessRequest
from tests.personas import World
from tests.privacy.builders import PDF_BYTES, PHOTO_BYTES, carer_of, every_record


def _sar(world: World, *, pupil: Pupil | None = None, carer=None, redact: bool = True) -> SubjectAccessRequest:  # type: ignore[no-untyped-def]
    return services.sar_create(
        school=world.school,
        by=world.office,
        pupil=pupil if carer is None else None,
        carer=carer,
        requested_by="Pat Parker (mother)",
        received_on=timezone.localdate(),
        redact_third_parties=redact,
    )


def _download(client, sar: SubjectAccessRequest) -> tuple[dict, zipfile.ZipFile]:  # type: ignore[no-untyped-def]
    response = client.post(reverse("privacy:sar_download", args=[sar.code]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("records.json")), archive


def _include_safeguarding(world: World, sar: SubjectAccessRequest) -> None:
    services.sar_safeguarding_decide(sar=sar, by=world.dsl, dsl_team=True, include=True, reason="Nothing would harm")


# --- Coverage: a record type another app adds later cannot escape the export. ---------------------


def test_every_model_with_a_path_to_a_pupil_or_carer_is_exported_or_excluded() -> None:
    missing = [
        m._meta.label_lower
        for m in models_about_people()
        if m._meta.label_lower not in SECTIONS and m._meta.label_lower not in EXCLUDED
    ]
    assert missing == [], (
        "These models hold data about pupils or carers but the subject access export neither covers "
        f"nor excludes them (add them to privacy.export.SECTIONS, or to EXCLUDED with a reason): {missing}"
    )


def test_every_exclusion_gives_a_reason_and_no_model_is_both() -> None:
    assert not set(SECTIONS) & set(EXCLUDED)
    for label, reason in EXCLUDED.items():
        assert len(reason) > 15 and reason.endswith("."), label


def test_every_exported_record_type_has_a_path_and_a_builder(world: World) -> None:
    made = every_record(world)
    installed = set()
    for label in SECTIONS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        installed.add(label)
        assert model in models_about_people(), f"{label} is in SECTIONS but has no key path to a person"
    assert installed == set(made), "tests/privacy/builders.every_record must make one row of each exported type"


# --- One record of every kind appears. ----------------------------------------------------------------


def test_pupil_export_holds_one_record_of_every_kind(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    made = every_record(world)
    sar = _sar(world, pupil=world.amy)
    _include_safeguarding(world, sar)
    data, archive = _download(client_for(world.dsl), sar)

    assert data["subject"]["legal_first_name"] == "Amelia"
    assert data["subject"]["upn"] == "T938456789012"
    sections = data["sections"]
    pupil_types = {
        label
        for label in made
        if label
        not in {
            "account.emailaddress",
            "journal.feedbackemailchoice",
            "people.rememberedphone",
            "texts.outboundtext",  # the carer's, in the carer's export
            "texts.callorpost",
        }
    }
    for label in sorted(pupil_types):
        assert label in sections, f"{label} is missing from the export"
        text = json.dumps(sections[label], ensure_ascii=False)
        assert made[label].marker in text, f"{label}: {made[label].marker!r} not in {text[:300]}"
    # The files themselves: the risk assessment, the photo of work, the printed pack.
    names = archive.namelist()
    assert {"summary.html", "records.json"} <= set(names)
    contents = {archive.read(n) for n in names if n.startswith("files/")}
    assert PHOTO_BYTES in contents
    assert PDF_BYTES in contents
    assert sum(1 for n in names if n.startswith("files/packs_pack/")) == 1
    summary = archive.read("summary.html").decode()
    assert "Information held about Amy Parker" in summary
    assert "Work sent in (1)" in summary and "Safeguarding concerns (1)" in summary
    # Nothing about another child.
    assert "Cara Quinn" not in json.dumps(data) and "Ben" not in json.dumps(sections.get("journal.workitem"))
    event = AuditEvent.objects.get(action="privacy.sar.export")
    assert event.actor == world.dsl and event.details["safeguarding"] is True
    assert event.details["sections"]["journal.workitem"] == 1


def test_carer_export_holds_what_the_carer_did_and_received(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    made = every_record(world)
    pat = carer_of(world.amy)
    from homelearning.core.mail import email_queue

    email_queue(
        to=pat.email, subject="Story time tomorrow", body_text="Hello Pat", kind="live.invite", school=world.school
    )
    email_queue(to="q.quinn@example.com", subject="Not for Pat", body_text="x", kind="x", school=world.school)
    sar = _sar(world, carer=pat)
    data, _ = _download(client_for(world.office), sar)
    assert data["subject"]["email"] == "pat.parker@example.com"
    for label in (
        "people.pupilcarer",
        "journal.comment",
        "journal.workitem",
        "journal.callrequest",
        "journal.feedbackemailchoice",
        "journal.digestentry",
        "live.invitation",
        "live.invitationrecipient",
        "provision.agreementparty",
        "account.emailaddress",
        "people.rememberedphone",
        "contact.enquiry",
        "texts.outboundtext",
        "texts.callorpost",
    ):
        assert label in data["sections"], label
        assert made[label].marker in json.dumps(data["sections"][label], ensure_ascii=False), label
    # A remembered phone is listed by name; its live session key (a credential) never is.
    assert "exported-never" not in json.dumps(data)
    assert [e["subject"] for e in data["emails"]] == ["Story time tomorrow"]
    # Safeguarding not decided: nothing from it, not even that it exists in the audit log.
    assert not [k for k in data["sections"] if k.startswith("safeguarding.")]


def test_safeguarding_is_withheld_until_the_dsl_decides(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    every_record(world)
    sar = _sar(world, pupil=world.amy)
    data, archive = _download(client_for(world.office), sar)
    assert not [k for k in data["sections"] if k.startswith("safeguarding.")]
    assert "Safeguarding concerns" in data["withheld"]
    assert "Concern-marker" not in archive.read("records.json").decode()
    assert "Not included:" in archive.read("summary.html").decode()
    assert "journal.workitem" in data["sections"]


def test_only_the_dsl_team_decides_and_then_only_they_download(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sar = _sar(world, pupil=world.amy)
    url = reverse("privacy:sar_detail", args=[sar.code])
    refused = client_for(world.office).post(url, {"decision": "include", "reason": "because"})
    assert refused.status_code == 403
    assert SubjectAccessRequest.objects.get(pk=sar.pk).safeguarding == "undecided"
    no_reason = client_for(world.dsl).post(url, {"decision": "include", "reason": ""})
    assert no_reason.status_code == 400
    ok = client_for(world.dsl).post(url, {"decision": "include", "reason": "Safe to share with mother"})
    assert ok.status_code == 302
    assert SubjectAccessRequest.objects.get(pk=sar.pk).safeguarding == "include"
    office = client_for(world.office).post(reverse("privacy:sar_download", args=[sar.code]))
    assert office.status_code == 403
    assert b"only the DSL team" in office.content
    assert not AuditEvent.objects.filter(action="privacy.sar.export").exists()


@pytest.mark.parametrize("redact", [True, False])
def test_third_party_names_can_be_redacted(world: World, client_for, redact: bool) -> None:  # type: ignore[no-untyped-def]
    every_record(world)
    sar = _sar(world, pupil=world.amy, redact=redact)
    _include_safeguarding(world, sar)
    data, _ = _download(client_for(world.dsl), sar)
    concern = json.dumps(data["sections"]["safeguarding.concern"], ensure_ascii=False)
    if redact:
        assert "Cara Quinn" not in concern and "[name redacted] pushed her" in concern
        assert "Amy said" in concern  # the subject's own name stays
    else:
        assert "Cara Quinn pushed her" in concern


# --- Requests: deadline, bad input, the permission ladder. ------------------------------------------


def test_the_one_month_deadline_is_set_and_shown(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sar = services.sar_create(
        school=world.school,
        by=world.office,
        pupil=world.amy,
        requested_by="Pat",
        received_on=datetime.date(2024, 1, 31),
    )
    assert sar.due_on == datetime.date(2024, 2, 29)
    page = client_for(world.office).get(reverse("privacy:sar_detail", args=[sar.code]))
    assert b"29 February 2024" in page.content and b"Overdue by" in page.content
    listing = client_for(world.office).get(reverse("privacy:sar_list"))
    assert b"Overdue" in listing.content


def test_starting_a_request_through_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.head)
    page = client.get(reverse("privacy:sar_list"))
    assert page.status_code == 200 and b"Parker, Amy" in page.content
    response = client.post(
        reverse("privacy:sar_list"),
        {
            "subject": f"pupil:{world.amy.code}",
            "requested_by": "Pat Parker",
            "received_on": "2026-11-02",
            "redact_third_parties": "on",
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.pupil == world.amy and sar.due_on == datetime.date(2026, 12, 2) and sar.redact_third_parties
    assert AuditEvent.objects.filter(action="privacy.sar.create", actor=world.head).exists()


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        ("outsider", b"not a pupil or carer of this school"),
        ("nonsense", b"Choose the pupil or the parent or carer from the list"),
        ("future", b"cannot be in the future"),
    ],
)
def test_bad_requests_are_refused_clearly(world: World, client_for, subject: str, message: bytes) -> None:  # type: ignore[no-untyped-def]
    value = {"outsider": f"pupil:{world.outsider_pupil.code}", "nonsense": "x", "future": f"pupil:{world.amy.code}"}
    from homelearning.core import clock

    soon = clock.today() + datetime.timedelta(days=30)  # inside every form's window, but still the future
    received = soon.isoformat() if subject == "future" else "2026-11-02"
    response = client_for(world.head).post(
        reverse("privacy:sar_list"), {"subject": value[subject], "requested_by": "Someone", "received_on": received}
    )
    assert response.status_code == 400
    assert message in response.content
    assert not SubjectAccessRequest.objects.exists()


def test_the_service_refuses_a_pupil_of_another_school(world: World) -> None:
    from homelearning.core.errors import ServiceError

    with pytest.raises(ServiceError, match="not at this school"):
        services.sar_create(
            school=world.school,
            by=world.head,
            pupil=world.outsider_pupil,
            requested_by="x",
            received_on=datetime.date(2026, 11, 1),
        )


def test_permission_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sar = _sar(world, pupil=world.amy)
    detail = reverse("privacy:sar_detail", args=[sar.code])
    download = reverse("privacy:sar_download", args=[sar.code])
    assert client_for(None).get(detail).status_code == 302
    assert client_for(None).post(download).status_code == 302
    assert client_for(world.parent).get(detail).status_code == 403
    assert client_for(world.teacher).get(detail).status_code == 403
    assert client_for(world.teacher).post(download).status_code == 404
    assert client_for(world.outsider_head).get(detail).status_code == 404
    assert client_for(world.outsider_head).post(download).status_code == 404
    assert client_for(world.senior).get(detail).status_code == 200
    assert not AuditEvent.objects.filter(action="privacy.sar.export").exists()


def test_completing_needs_a_download_first(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sar = _sar(world, pupil=world.amy)
    client = client_for(world.office)
    client.post(reverse("privacy:sar_complete", args=[sar.code]))
    assert SubjectAccessRequest.objects.get(pk=sar.pk).status == "open"
    _download(client, sar)
    client.post(reverse("privacy:sar_complete", args=[sar.code]))
    done = SubjectAccessRequest.objects.get(pk=sar.pk)
    assert done.status == "completed" and done.completed_by == world.office


def test_the_export_costs_the_same_queries_for_one_piece_of_work_or_twenty(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from homelearning.journal.models import Comment, WorkItem
    from homelearning.privacy.export import build_export

    every_record(world)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            build_export(school_id=world.school.pk, pupil=world.amy, carer=None, include_safeguarding=True, redact=True)
        return len(captured)

    one = count()
    for n in range(19):
        item = WorkItem.objects.create(
            school=world.school, pupil=world.amy, note=f"More {n}", sent_by=world.parent, sent_by_label="Pat"
        )
        Comment.objects.create(item=item, author=world.parent, author_label="Pat", text="Nice")
    assert count() == one


def test_the_morning_digest_of_requests_due(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from homelearning.core.models import OutboundEmail
    from homelearning.privacy import tasks

    assert "homelearning.privacy.tasks.sar_deadline_digest" in settings.DAILY_TASKS
    today = timezone.localdate()
    services.sar_create(school=world.school, by=world.office, pupil=world.amy, requested_by="Pat", received_on=today)
    assert tasks.sar_deadline_digest.call() == 0  # a month to go
    old = services.sar_create(
        school=world.school,
        by=world.office,
        carer=carer_of(world.amy),
        requested_by="Pat",
        received_on=today - datetime.timedelta(days=40),
    )
    assert tasks.sar_deadline_digest.call() == 2  # the headteacher and the office
    email = OutboundEmail.objects.get(kind="privacy.sar_due", to="head@balfour.test")
    assert "overdue since" in email.body_text and "/privacy/requests/" in email.body_text
    assert "Parker" not in email.body_text  # names stay in the app
    services.sar_export(sar=old, by=world.office, allowed=True).close()
    services.sar_complete(sar=old, by=world.office)
    assert tasks.sar_deadline_digest.call() == 0


def test_the_export_names_related_records_without_a_query_each(world: World) -> None:
    """An invitation names its session, whose own text names its class: that must not cost a query a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from homelearning.live.models import Invitation, LiveSession
    from homelearning.privacy.export import build_export

    every_record(world)
    teacher, ta = world.staff(world.teacher), world.staff(world.ta)

    def invite_amy(n: int) -> None:
        for i in range(n):
            session = LiveSession.objects.create(
                school=world.school,
                school_class=world.oak,
                kind=LiveSession.Kind.STORY_TIME,
                title=f"Story time {i}",
                starts_at=timezone.now() + datetime.timedelta(days=i + 1),
                minutes=30,
                host=teacher,
                monitor=ta,
            )
            Invitation.objects.create(session=session, pupil=world.amy, carer=None)

    def count() -> tuple[int, dict]:  # type: ignore[type-arg]
        with CaptureQueriesContext(connection) as captured:
            export = build_export(
                school_id=world.school.pk, pupil=world.amy, carer=None, include_safeguarding=True, redact=False
            )
        return len(captured), export

    invite_amy(2)
    few, _ = count()
    invite_amy(12)
    many, export = count()
    assert few == many
    invitations = next(s for s in export.sections if s.label == "live.invitation").records
    assert len(invitations) == 15
    # Named by kind and code where the text would need a query; the session's own section lists it.
    sessions = {r["session"] for r in invitations}
    assert all(name.startswith("Live session ") for name in sessions) and len(sessions) == 15
    # A related record whose text needs no query keeps its text (the pupil's name).
    assert {r["pupil"] for r in invitations} == {str(world.amy)}
