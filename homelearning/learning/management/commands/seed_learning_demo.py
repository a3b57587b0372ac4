"""`manage.py seed_learning_demo`: the demo school's resource links and a week of plans for every class.

Run after `seed_demo`. A second run adds nothing that is already there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from homelearning.core import clock
from homelearning.core.calendar import next_school_days
from homelearning.learning import services
from homelearning.learning.models import Plan, Resource, Subject
from homelearning.people.models import ClassStaff, School, SchoolClass, Staff, YearGroup

WHITE_ROSE = "https://whiterosemaths.com/homelearning/"
WHITE_ROSE_YEARS = {"Reception": "early-years", "Year 1": "year-1", "Year 2": "year-2"}
ACTIVELEARN = "https://www.activelearnprimary.co.uk/"
SCHOOL_SITE = "https://balfour-infant.example.org"

FOUNDATION = ("science", "history", "geography", "art", "music", "design-technology", "it")

# One school day of learning: 180 minutes, the policy's default entitlement.
DAY = (
    (
        "maths",
        "Maths: {topic}",
        45,
        "Watch the White Rose video for today, then:\n- try the questions\n- **show** your working",
    ),
    ("reading", "Reading with a grown-up", 30, "Read your ActiveLearn book aloud.\nTalk about your favourite part."),
    ("writing", "Writing: {topic}", 30, "Write **three** sentences.\n- capital letters\n- full stops"),
    ("spelling-phonics", "Phonics practice", 20, "Say the sounds, then write five words that use them."),
    ("{foundation}", "{foundation_name} activity", 40, "Follow the steps on the curriculum page for this week."),
    ("wellbeing", "Wellbeing: move and breathe", 15, "Five minutes of stretching, then a calm breathing game."),
)
TOPICS = ("counting to 20", "adding", "taking away", "shapes", "measuring")


def _links(school: School, by: Staff | None) -> dict[str, Resource]:
    """The school's library links, created once. Keyed by purpose."""
    wanted: list[tuple[str, dict[str, Any]]] = [
        (
            "curriculum",
            {
                "title": "Our curriculum overview",
                "url": f"{SCHOOL_SITE}/curriculum/",
                "provider": school.name,
                "subject": Subject.objects.get(code="foundation"),
                "note": "What each year group learns this term.",
            },
        ),
        (
            "parents",
            {
                "title": "Information for parents",
                "url": f"{SCHOOL_SITE}/parents/",
                "provider": school.name,
                "note": "Help with learning at home, and who to contact.",
            },
        ),
        (
            "reading",
            {
                "title": "ActiveLearn reading books",
                "url": ACTIVELEARN,
                "provider": "Pearson ActiveLearn",
                "subject": Subject.objects.get(code="reading"),
                "note": "Sign in with the login from your child's reading record.",
            },
        ),
    ]
    for year in YearGroup.objects.filter(school=school):
        slug = WHITE_ROSE_YEARS.get(year.name)
        url = f"{WHITE_ROSE}{slug}/" if slug else WHITE_ROSE
        wanted.append(
            (
                f"maths-{year.pk}",
                {
                    "title": f"White Rose Maths home learning: {year.name}",
                    "url": url,
                    "provider": "White Rose Maths",
                    "subject": Subject.objects.get(code="maths"),
                    "year_group": year,
                    "note": "A short video and a worksheet for each lesson.",
                },
            )
        )
    found: dict[str, Resource] = {}
    for key, fields in wanted:
        existing = Resource.objects.filter(school=school, url=fields["url"]).first()
        if existing is None:
            if by is None:
                existing = Resource.objects.create(school=school, kind=Resource.Kind.LINK, **fields)
            else:
                existing = services.resource_link_create(by=by, **fields)
        found[key] = existing
    return found


def _plan_class(school_class: SchoolClass, links: dict[str, Resource], by: Staff, days: int) -> int:
    subjects = {s.code: s for s in Subject.objects.all()}
    created = 0
    for n, day in enumerate(next_school_days(school_class.school, clock.today(), days)):
        if Plan.objects.filter(school_class=school_class, date=day).exists():
            continue
        plan = services.plan_get_or_create(school_class=school_class, day=day, by=by)
        foundation = subjects[FOUNDATION[day.toordinal() % len(FOUNDATION)]]
        for code, title, minutes, instructions in DAY:
            subject = foundation if code == "{foundation}" else subjects[code]
            resources = {
                "maths": [links[f"maths-{school_class.year_group_id}"]],
                "reading": [links["reading"]],
            }.get(code, [links["curriculum"]] if subject is foundation else [])
            services.activity_add(
                plan=plan,
                by=by,
                subject=subject,
                title=title.format(topic=TOPICS[n % len(TOPICS)], foundation_name=foundation.name),
                minutes=minutes,
                instructions=instructions,
                resources=resources,
            )
        created += 1
    return created


class Command(BaseCommand):
    help = "Add the demo school's learning resources and a week of plans for every class (after seed_demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=5, help="School days to plan from today (default 5).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError("seed_learning_demo only runs with DEBUG=true or DEMO_MODE=true.")
        days = options["days"]
        if not 1 <= days <= 20:
            raise CommandError("--days must be between 1 and 20.")
        schools = list(School.objects.all())
        if not schools:
            raise CommandError("There is no demo school yet: run `manage.py seed_demo` first.")
        for school in schools:
            with transaction.atomic():
                self._seed(school, days)

    def _seed(self, school: School, days: int) -> None:
        any_teacher = Staff.objects.filter(school=school, class_links__kind=ClassStaff.Kind.TEACHER).first()
        links = _links(school, any_teacher)
        plans = 0
        for school_class in SchoolClass.objects.filter(school=school).select_related("school", "year_group"):
            link = (
                ClassStaff.objects.filter(school_class=school_class)
                .order_by("kind")
                .select_related("staff__user", "staff__school")
                .first()
            )
            if link is None:
                continue
            plans += _plan_class(school_class, links, link.staff, days)
        self.stdout.write(f"{school.name}: {len(links)} resource links, {plans} new class plans.")
