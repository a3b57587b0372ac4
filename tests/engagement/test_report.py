"""The termly remote-education report: figures recomputed from the raw rows, small numbers suppressed for
governors, the PDF and the CSV agreeing on every figure, a fixed number of queries, and who may read it."""

from __future__ import annotations

import csv
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homelearning.core.models import AuditEvent
from homelearning.engagement import report
from homelearning.engagement.models import PlanOpening, Trust
from homelearning.journal import services as journal_services
from homelearning.live.models import Invitation, LiveIncident
from homelearning.packs.models import Pack
from homelearning.people.models import User
from homelearning.provision.models import RegisterMark
from homelearning.safeguarding.models import Concern
from tests.engagement.builders import (
    FRI,
    MON,
    THU,
    TUE,
    WED,
    at,
    ended_story_time,
    more_at_home,
    printed_pack,
    snow_week,
)
from tests.packs.builders import pdf_text
from tests.personas import PASSWORD, World, give_totp
from tests.safeguarding import builders as sg

QUERY = {"start": MON.isoformat(), "end": FRI.isoformat()}


@pytest.fixture
def term(world: World) -> World:
    """The snow week, with something of every kind to count."""
    sg.seed_reference_data()
    with time_machine.travel(at(MON, 7), tick=False):
        snow_week(world)
    with time_machine.travel(at(MON, 9), tick=False):
        PlanOpening.objects.create(school=world.school, pupil=world.amy, day=MON)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=MON)
        PlanOpening.objects.create(school=world.school, pupil=world.ben, day=TUE)
        sg.vulnerable(world, world.cara)
        sg.raised_concern(world, pupils=[world.cara])
    with time_machine.travel(at(WED, 16), tick=False):
        journal_services.work_submit(pupil=world.ben, by=world.parent, by_label="Pat Parker", note="Sums")
    session = ended_story_time(world, THU)
    Invitation.objects.create(session=session, pupil=world.amy, status="admitted", admitted_at=at(THU, 10, 1))
    Invitation.objects.create(session=session, pupil=world.cara)
    LiveIncident.objects.create(session=session, reported_by=world.staff(world.teacher), reason="A sibling shouted")
    printed_pack(
        world,
        world.ben,
        first=MON,
        last=WED,
        requested_at=at(MON, 8),
        compiled_at=at(MON, 11),
        ready_at=at(MON, 14),
        collected_at=at(MON, 15),
        status=Pack.Status.COLLECTED,
    )
    return world


def _csv(response) -> dict[tuple[str, str, str], str]:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "row", "column", "value"]
    return {(s, r, c): v for s, r, c, v in rows[1:]}


def _build(world: World) -> report.Figures:
    with time_machine.travel(at(FRI, 17), tick=False):
        return report.build([world.school], start=MON, end=FRI)


def test_the_figures_recomputed_from_the_raw_rows(term) -> None:
    figures = _build(term)
    marks = list(RegisterMark.objects.filter(school=term.school, date__range=(MON, FRI)))
    # Remote education by reason: sessions, pupils, pupil-days.
    [line] = figures.reasons
    assert line.sessions == len(marks) == 3 * 5 * 2
    assert line.pupils == len({m.pupil_id for m in marks}) == 3
    assert line.days == len({(m.pupil_id, m.date) for m in marks}) == 15
    assert line.code == marks[0].absence_code_id
    # Engagement by class, from the openings and the work.
    opened = {(o.pupil_id, o.day) for o in PlanOpening.objects.all()}
    work = {(w.pupil_id, w.created_at.astimezone(at(MON).tzinfo).date()) for w in term.ben.work_items.all()}
    packs = {(term.ben.pk, d) for d in (MON, TUE, WED)}  # collected Monday, covering to Wednesday
    live = {(term.amy.pk, THU)}
    engaged = opened | work | packs | live
    by_class = {c.school_class: c for c in figures.classes}
    for klass, pupils in (("Oak", [term.amy, term.cara]), ("Ash", [term.ben])):
        days = {(p.pk, d) for p in pupils for d in (MON, TUE, WED, THU, FRI)}
        assert by_class[klass].pupils == len(pupils)
        assert by_class[klass].pupil_days == len(days)
        assert by_class[klass].engaged_days == len(days & engaged)
        assert by_class[klass].opened_days == len(days & opened)
        assert by_class[klass].work_days == len(days & work)
    assert (by_class["Oak"].engaged_days, by_class["Ash"].engaged_days) == (2, 3)
    # No plans were written: nothing met the entitlement.
    assert all(c.entitlement_met == 0 and c.minutes_offered == 0 for c in figures.classes)
    # Packs, live sessions, vulnerable contacts, concerns, SEND.
    assert (figures.packs.requested, figures.packs.on_time, figures.packs.collected, figures.packs.returned) == (
        1,
        1,
        1,
        0,
    )
    assert (figures.live.held, figures.live.children, figures.live.largest, figures.live.incidents) == (1, 1, 1, 1)
    assert figures.live.within_children == figures.live.within_minutes == figures.live.second_adult == 1
    assert (figures.vulnerable.pupils, figures.vulnerable.due, figures.vulnerable.made) == (1, 2, 0)
    assert (figures.concerns.raised, figures.concerns.acknowledged, figures.concerns.waiting) == (
        Concern.objects.count(),
        0,
        1,
    )
    cara_days = 5
    assert (figures.send.pupils, figures.send.pupil_days, figures.send.engaged_days) == (1, cara_days, 0)


def test_small_numbers_are_suppressed_for_governors_and_shown_to_the_school(term) -> None:
    figures = _build(term)
    governors = report.present(figures, audience=report.GOVERNORS)
    school = report.present(figures, audience=report.SCHOOL)
    g = {(t.key, label): cells for t in governors.tables for label, cells in t.rows}
    s = {(t.key, label): cells for t in school.tables for label, cells in t.rows}
    assert s[("engagement", "Oak")] == ("2", "10", "2", "20%", "1", "0")
    assert g[("engagement", "Oak")] == ("<5", "10", "<5", "withheld", "<5", "0")
    assert g[("packs", "All")][0] == "<5" and s[("packs", "All")][0] == "1"
    assert g[("send", "All")][0] == "<5"
    # Not one cell of the governors' version is a count from 1 to 4.
    for table in governors.tables:
        for _label, cells in table.rows:
            for cell in cells:
                assert not re.fullmatch(r"[1-4]", cell), (table.key, cell)
    assert [b.value for b in governors.engagement_bars] == [None, None]  # withheld rates draw no bar
    assert [b.value for b in school.engagement_bars] == [20, 60]  # Oak (Year 1), then Ash (Year 2)


def _pdf_lines(data: bytes) -> str:
    return re.sub(r"\s+", " ", pdf_text(data))


@pytest.mark.parametrize("audience", ["governors", "school"])
def test_the_pdf_and_the_csv_agree_on_every_figure(term, client_for, audience) -> None:
    with time_machine.travel(at(FRI, 17), tick=False):
        client = client_for(term.head)
        query = {**QUERY, "scope": term.school.code, "audience": audience}
        figures = _csv(client.get("/reports/remote-education/report.csv", query))
        response = client.get("/reports/remote-education/report.pdf", query)
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_lines(response.content)
    presented = report.present(_build(term), audience=audience)
    assert len(figures) == sum(len(t.rows) * len(t.columns) for t in presented.tables)
    for table in presented.tables:
        assert table.title in text
        for label, cells in table.rows:
            # The CSV holds each cell of the row; the PDF prints the row's label and cells in that order.
            values = [figures[(table.title, label, column)] for column in table.columns]
            assert values == list(cells)
            assert " ".join([label, *values]) in text, (table.key, label, values)


def test_every_generation_is_audited_and_only_heads_and_trust_leaders_read_it(term, client_for) -> None:
    with time_machine.travel(at(FRI, 17), tick=False):
        for user in (term.teacher, term.senior, term.dsl, term.office, term.parent):
            assert client_for(user).get("/reports/remote-education/").status_code == 403, user.email
        assert client_for(None).get("/reports/remote-education/report.csv").status_code == 302
        # Another school's headteacher cannot name Balfour.
        response = client_for(term.outsider_head).get(
            "/reports/remote-education/", {**QUERY, "scope": term.school.code, "audience": "school"}
        )
        assert response.status_code == 400 and "Balfour" not in response.content.decode()
        assert not AuditEvent.objects.filter(action="engagement.report.generate").exists()

        page = client_for(term.head).get("/reports/remote-education/")  # the term so far, for governors
        assert page.status_code == 200
        body = page.content.decode()
        assert "Engagement by class" in body and "<svg" in body and "<script" not in body.split("</header>")[1]
        for name in ("Amy", "Amelia", "Cara", "Ben", "Parker", "Quinn"):
            assert name not in body.split("<main", 1)[1], name  # counts only: no child named
    event = AuditEvent.objects.get(action="engagement.report.generate")
    assert event.actor == term.head and event.school == term.school
    assert event.details["for"] == "governors" and event.details["as"] == "page"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-12-11", "end": "2026-12-07"}, "cannot be before the first day"),
        ({"start": "2025-01-01", "end": "2026-12-07"}, "at most 400 days"),
        ({"start": "soon", "end": "2026-12-07"}, "Give a date"),
        ({"start": "", "end": "2026-12-07"}, "Give the first day"),
        ({"start": "2026-12-07", "end": "2026-12-11", "scope": "nowhere"}, "Select a valid choice"),
        ({"start": "2026-12-07", "end": "2026-12-11", "audience": "press"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_message_and_no_report(term, client_for, query, message) -> None:
    with time_machine.travel(at(FRI, 17), tick=False):
        client = client_for(term.head)
        data = {"scope": term.school.code, "audience": "governors", **query}
        for path in (
            "/reports/remote-education/",
            "/reports/remote-education/report.pdf",
            "/reports/remote-education/report.csv",
        ):
            response = client.get(path, data)
            assert response.status_code == 400, path
            assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="engagement.report.generate").exists()


def _trust_leader(world: World) -> User:
    leader = User.objects.create_user(email="ceo@oaktrust.test", password=PASSWORD)
    give_totp(leader)
    trust = Trust.objects.create(name="Oak Learning Trust")
    trust.schools.add(world.school, world.other_school)
    trust.leaders.add(leader)
    return leader


def test_a_trust_leader_reads_all_the_trusts_schools_together(term, client_for) -> None:
    leader = _trust_leader(term)
    trust = Trust.objects.get()
    with time_machine.travel(at(FRI, 17), tick=False):
        client = client_for(leader)
        assert client.get("/")["Location"] == "/reports/remote-education/"
        response = client.get(
            "/reports/remote-education/report.csv", {**QUERY, "scope": f"trust-{trust.code}", "audience": "school"}
        )
    rows = _csv(response)
    assert rows[("Engagement by class", "Balfour Test Infant School: Oak", "Pupil-days")] == "10"
    events = AuditEvent.objects.filter(action="engagement.report.generate")
    assert {e.school for e in events} == {term.school, term.other_school}


def test_the_report_runs_in_the_same_queries_for_one_school_or_a_large_trust(term) -> None:
    with time_machine.travel(at(FRI, 17), tick=False):
        report.build([term.school], start=MON, end=FRI)
        with CaptureQueriesContext(connection) as one:
            report.build([term.school], start=MON, end=FRI)
        # Twenty more children at home in the other school, with plans opened.
        more_at_home(term, term.outsider_class, 20, like=term.amy, days=3)
        with CaptureQueriesContext(connection) as many:
            figures = report.build([term.school, term.other_school], start=MON, end=FRI)
    assert sum(c.pupil_days for c in figures.classes) == 15 + 20 * 3
    assert len(many.captured_queries) == len(one.captured_queries)


def test_trust_set_adds_schools_and_leaders_and_refuses_an_unknown_urn(world: World) -> None:
    from django.core.management import CommandError, call_command

    call_command("trust_set", "Oak Learning Trust", "--school", world.school.urn, "--leader", "CEO@OakTrust.test")
    trust = Trust.objects.get()
    assert list(trust.schools.all()) == [world.school]
    assert [u.email for u in trust.leaders.all()] == ["ceo@oaktrust.test"]
    with pytest.raises(CommandError, match="No school with URN 999999"):
        call_command("trust_set", "Oak Learning Trust", "--school", world.other_school.urn, "--school", "999999")
    assert list(trust.schools.all()) == [world.school]  # nothing changed
    with pytest.raises(CommandError, match="not an email address"):
        call_command("trust_set", "Oak Learning Trust", "--school", world.other_school.urn, "--leader", "ceo")
    assert list(trust.schools.all()) == [world.school]  # the school added first went back too
    with pytest.raises(CommandError, match="name"):
        call_command("trust_set", "  ")
    call_command("trust_set", "Oak Learning Trust", "--school", world.other_school.urn)
    assert trust.schools.count() == 2


def test_a_trust_leader_without_two_factor_authentication_is_refused(term, client_for) -> None:
    from allauth.mfa.models import Authenticator

    leader = _trust_leader(term)
    Authenticator.objects.filter(user=leader).delete()
    with time_machine.travel(at(FRI, 17), tick=False):
        response = client_for(leader).get("/reports/remote-education/")
    assert response.status_code == 403
    assert "two-factor authentication" in response.content.decode()
    assert not AuditEvent.objects.filter(action="engagement.report.generate").exists()
