"""Booking weekly story time costs the same queries for 3 weeks of 2 children or 14 weeks of 15."""

from __future__ import annotations

import datetime
import math

from django.db import connection
from django.db.models import AutoField, Model
from django.test.utils import CaptureQueriesContext

from homelearning.core.models import AuditEvent, OutboundEmail, Term
from homelearning.live import services
from homelearning.live.models import Invitation, LiveBan, LiveSession
from tests.live.conftest import START
from tests.live.test_poll_queries import _class_of
from tests.personas import World


def inserts(model: type[Model], rows: int) -> int:
    """How many INSERTs Django's bulk_create makes for `rows` rows here: one per page of the database's
    parameter limit (SQLite allows 999 parameters a statement; PostgreSQL takes thousands of rows in one)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or not isinstance(f, AutoField)]
    per_page = connection.ops.bulk_batch_size(fields, [None] * rows) or rows
    return math.ceil(rows / per_page)


def _book(world: World, weeks: int, children: int, hour: int) -> tuple[int, list[LiveSession]]:
    pupils = _class_of(world, children)
    with CaptureQueriesContext(connection) as captured:
        sessions = services.session_schedule_weekly(
            by=world.staff(world.teacher),
            school_class=world.oak,
            title="Story time",
            starts_at=START.replace(hour=hour),
            minutes=30,
            monitor=world.staff(world.ta),
            pupils=pupils,
            weeks=weeks,
        )
    return len(captured), sessions


def test_weekly_story_time_books_in_a_constant_number_of_queries(world: World, term, clock) -> None:  # type: ignore[no-untyped-def]
    Term.objects.create(
        school=world.school,
        name="Summer",
        first_day=datetime.date(2027, 4, 12),
        last_day=datetime.date(2027, 7, 21),
    )
    # Cara may not join live sessions for the first fortnight: her invitations then are held, not sent.
    LiveBan.objects.create(
        school=world.school,
        pupil=world.cara,
        starts_at=START - datetime.timedelta(days=1),
        ends_at=START + datetime.timedelta(days=10),
        reason="Agreement not followed",
        by=world.staff(world.teacher),
    )
    services.agreement_current()  # made on first use: not part of either booking
    small, few = _book(world, weeks=3, children=2, hour=10)
    large, many = _book(world, weeks=14, children=15, hour=14)
    # The same statements, but for the pages of the bulk INSERTs of invitations and emails.
    pages = (inserts(Invitation, 180) - inserts(Invitation, 6)) + (
        inserts(OutboundEmail, 178) - inserts(OutboundEmail, 4)
    )
    assert large == small + pages
    if connection.vendor == "postgresql":
        assert pages == 0
    assert len(few) == 3
    # 12 and 19 January … 13 April: the Easter holiday weeks (29 March, 5 April) are skipped.
    days = [s.starts_at.date() for s in many]
    assert len(many) == 12 and datetime.date(2027, 3, 29) not in days and datetime.date(2027, 4, 5) not in days
    assert all(s.starts_at.hour == 14 for s in many)  # the same wall-clock time across the clocks going forward

    invitations = Invitation.objects.filter(session__in=many)
    assert invitations.count() == 12 * 15
    held = invitations.filter(status=Invitation.Status.HELD)
    assert set(held.values_list("pupil", flat=True)) == {world.cara.pk}
    assert held.count() == 2  # the first two weeks, inside her ban
    emails = OutboundEmail.objects.filter(kind="live_invitation")
    assert emails.count() == (3 * 2 - 2) + (12 * 15 - 2)  # every invitation not held (Cara, two weeks each)
    assert AuditEvent.objects.filter(action="live.schedule").count() == 3 + 12
