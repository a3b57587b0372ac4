"""Packs in named states, on a closure week: Monday 30 November to Friday 4 December 2026."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from homelearning.learning import services as learning
from homelearning.learning.models import Plan, PlanTemplate, Resource, Subject
from homelearning.packs import services
from homelearning.packs.models import Pack
from homelearning.packs.pdf import html_to_pdf
from homelearning.people.models import Pupil, SchoolClass, Staff
from tests.personas import World
from tests.provision.builders import FRI, MON, school_terms, whole_school_closure

__all__ = ["FRI", "MON"]

BITESIZE = "https://www.bbc.co.uk/bitesize/topics/number-bonds"


def closure_week(world: World) -> World:
    """Terms, and a whole-school closure for the week: every child is learning at home."""
    school_terms(world)
    whole_school_closure(world)
    return world


def at_home_like_ben(world: World, pupil: Pupil) -> Pupil:
    """Put a child who joined after the closure was declared into remote education on Ben's days."""
    from homelearning.provision.models import RegisterMark

    RegisterMark.objects.bulk_create(
        [
            RegisterMark(
                school=world.school,
                pupil=pupil,
                date=m.date,
                session=m.session,
                absence_code_id=m.absence_code_id,
                reason=m.reason,
                closure=m.closure,
            )
            for m in RegisterMark.objects.filter(pupil=world.ben)
        ]
    )
    return pupil


def worksheet(staff: Staff, title: str = "Number bonds sheet", text: str = "WORKSHEET Number bonds to ten") -> Resource:
    data = html_to_pdf(f"<p>{text}</p>")
    return learning.resource_upload(
        by=staff, title=title, upload=SimpleUploadedFile("sheet.pdf", data, content_type="application/pdf")
    )


def planned_week(
    school_class: SchoolClass,
    staff: Staff,
    days: tuple[datetime.date, ...] | None = None,
    with_resources: bool = True,
) -> list[Plan]:
    """A plan each day: maths with a link and a worksheet, and reading."""
    days = days or tuple(MON + datetime.timedelta(days=n) for n in range(5))
    maths = Subject.objects.get(code="maths")
    reading = Subject.objects.get(code="reading")
    resources: list[Resource] = []
    if with_resources:
        link = learning.resource_link_create(
            by=staff, title="Number bonds game", url=BITESIZE, provider="BBC Bitesize", note="Play two rounds."
        )
        resources = [link, worksheet(staff)]
    plans = []
    for day in days:
        plan = learning.plan_get_or_create(school_class=school_class, day=day, by=staff)
        learning.activity_add(
            plan=plan,
            by=staff,
            subject=maths,
            title=f"Number bonds {day:%A}",
            minutes=45,
            instructions="Find pairs that make ten.\nDraw them.",
            resources=resources,
            confirm_over=True,
        )
        learning.activity_add(
            plan=plan, by=staff, subject=reading, title=f"Read a story {day:%A}", minutes=30, confirm_over=True
        )
        plans.append(plan)
    return plans


def year_template(school_class: SchoolClass, staff: Staff, name: str = "Snow day") -> PlanTemplate:
    template = PlanTemplate.objects.create(
        school=school_class.school, year_group=school_class.year_group, name=name, created_by=staff
    )
    learning.activity_add(
        template=template,
        by=staff,
        subject=Subject.objects.get(code="maths"),
        title="Template counting walk",
        minutes=30,
        confirm_over=True,
    )
    return template


def office(world: World) -> Staff:
    return world.staff(world.office)


def requested_pack(world: World, pupil: Pupil | None = None, **extra: object) -> Pack:
    return services.pack_request(
        pupil=pupil or world.ben,
        by=office(world),
        via=Pack.Via.PHONE,
        collector="Pat Parker (mother)",
        **extra,  # type: ignore[arg-type]
    )


def compiled_pack(world: World, pupil: Pupil | None = None) -> Pack:
    pupil = pupil or world.ben
    if not Plan.objects.filter(school_class=pupil.school_class).exists():
        teacher = world.staff(world.teacher_ash if pupil.school_class == world.ash else world.teacher)
        planned_week(pupil.school_class, teacher)
    return services.pack_compile(pack=requested_pack(world, pupil), by=office(world), note="Do your best!")


def ready_pack(world: World, pupil: Pupil | None = None) -> Pack:
    return services.pack_ready(pack=compiled_pack(world, pupil), by=office(world))


def collected_pack(world: World, pupil: Pupil | None = None) -> Pack:
    return services.pack_collected(pack=ready_pack(world, pupil), by=office(world))


def returned_pack(world: World, pupil: Pupil | None = None) -> Pack:
    return services.pack_returned(pack=collected_pack(world, pupil), by=office(world))


def reviewed_pack(world: World, pupil: Pupil | None = None) -> Pack:
    return services.pack_review(
        pack=returned_pack(world, pupil),
        by=world.staff(world.teacher_ash),
        went_well="Neat number bonds.",
        challenges="Reading aloud.",
        next_steps="Practise phonics daily.",
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
