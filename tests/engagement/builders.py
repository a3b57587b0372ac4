"""A snow week for the test school: closed Monday 7 to Friday 11 December 2026, every child learning at home.

Tests travel to a moment in that week (`at`); nothing reads the real date.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from homelearning.engagement.models import PlanOpening
from homelearning.live.models import LiveSession
from homelearning.packs.models import Pack
from homelearning.people.models import Pupil, SchoolClass
from homelearning.provision.models import Closure, RegisterMark
from tests.personas import World
from tests.provision.builders import ensure_absence_codes, school_terms, whole_school_closure

LONDON = ZoneInfo("Europe/London")
MON = datetime.date(2026, 12, 7)
TUE = MON + datetime.timedelta(days=1)
WED = MON + datetime.timedelta(days=2)
THU = MON + datetime.timedelta(days=3)
FRI = MON + datetime.timedelta(days=4)
SAT = MON + datetime.timedelta(days=5)
NEXT_MON = MON + datetime.timedelta(days=7)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def snow_week(world: World, last: datetime.date = FRI) -> Closure:
    ensure_absence_codes()
    school_terms(world)
    return whole_school_closure(world, first=MON, last=last)


def ended_story_time(world: World, day: datetime.date, status: str = "ended") -> LiveSession:
    """A story time for Oak at 10:00 on `day` (ended by default), hosted by Oak's teacher with the TA."""
    return LiveSession.objects.create(
        school=world.school,
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title="Story time",
        starts_at=at(day, 10),
        minutes=30,
        host=world.staff(world.teacher),
        monitor=world.staff(world.ta),
        status=status,
    )


def printed_pack(world: World, pupil: Pupil, *, first: datetime.date, last: datetime.date, **extra: object) -> Pack:
    """A paper pack printed at 13:00 on its first day (unless `extra` says when), due by 15:30; `extra` sets its
    later life."""
    extra.setdefault("compiled_at", at(first, 13))
    return Pack.objects.create(
        school=world.school,
        pupil=pupil,
        first_day=first,
        last_day=last,
        absence_began=first,
        requested_via=Pack.Via.PHONE,
        requested_by=world.staff(world.office),
        due_at=at(first, 15, 30),
        **extra,
    )


def more_at_home(world: World, school_class: SchoolClass, count: int, like: Pupil, days: int | None = None) -> None:
    """`count` more children in `school_class`, each at home on `like`'s register marks (the first `days`)."""
    template = list(RegisterMark.objects.filter(pupil=like).order_by("date", "session"))
    if days is not None:
        template = [m for m in template if m.date in sorted({m.date for m in template})[:days]]
    for i in range(count):
        pupil = Pupil.objects.create(
            school=school_class.school,
            school_class=school_class,
            legal_first_name=f"Extra{i}",
            surname="Pupil",
            date_of_birth=datetime.date(2020, 1, 1),
        )
        RegisterMark.objects.bulk_create(
            RegisterMark(
                school=school_class.school,
                pupil=pupil,
                date=m.date,
                session=m.session,
                absence_code_id=m.absence_code_id,
                reason=m.reason,
                closure_id=m.closure_id,
            )
            for m in template
        )
        PlanOpening.objects.create(school=school_class.school, pupil=pupil, day=template[0].date)
