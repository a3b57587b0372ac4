"""`manage.py seed_demo`: a fictional infant school, filled with invented people, for the demo.

Everything is planned first by pure functions of (seed, school number, pupils,
academic year), so two runs plan the same people; then the plan is written in
one transaction. A school whose URN is already in the database is left alone,
so a second run changes nothing.

Names come from fixed lists below; every address is on a reserved example
domain (RFC 2606) and every phone number is in Ofcom's drama ranges.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.models import NonSchoolDay, Term
from homelearning.people import services
from homelearning.people.models import (
    MFA_ROLES,
    Carer,
    ClassStaff,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    User,
)
from homelearning.people.upn import upn_check_letter

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose: it only ever opens the demo.
DEFAULT_SEED = 2026
DEFAULT_PUPILS = 270
FIRST_URN = 100000
MAX_SCHOOLS = 999
MAX_PUPILS = 5000

# --- Fixed lists of invented names ---------------------------------------------------------

GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie", "Sophia",
    "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Sofia",
    "Evie", "Charlotte", "Harper", "Matilda", "Alice", "Ruby", "Maryam", "Aria", "Zara", "Amira", "Hannah",
    "Eliza", "Elizabeth", "Eleanor", "Josephine", "Penelope", "Margaret", "Nia", "Aisha", "Zofia", "Maja",
    "Chloe", "Imogen", "Layla", "Esme", "Thea", "Hallie",
)  # fmt: skip
BOYS = (
    "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry", "Theodore",
    "Frederick", "Jack", "Charlie", "Alfred", "Jacob", "Thomas", "Finley", "Arlo", "Lucas", "Isaac", "Joshua",
    "William", "Alexander", "Edward", "Reggie", "Rory", "Ibrahim", "Yusuf", "Kai", "Ezra", "Hugo", "Benjamin",
    "Samuel", "Joseph", "Daniel", "Louie", "Elijah", "Jude", "Albie", "Ronnie", "Teddy", "Ethan", "Zayn",
    "Jakub", "Kofi", "Rowan", "Ollie", "Max", "Stanley",
)  # fmt: skip
# The name a child is known by when it differs from their legal first name.
KNOWN_AS = {
    "Elizabeth": "Libby", "Eleanor": "Ellie", "Josephine": "Josie", "Penelope": "Penny", "Margaret": "Maggie",
    "Isabella": "Bella", "Matilda": "Tilly", "Florence": "Flo", "Charlotte": "Lottie", "Amelia": "Millie",
    "Theodore": "Theo", "Frederick": "Freddie", "Alfred": "Alfie", "Thomas": "Tom", "William": "Billy",
    "Alexander": "Alex", "Edward": "Ned", "Benjamin": "Ben", "Samuel": "Sam", "Joseph": "Joe", "Daniel": "Danny",
    "Olivia": "Liv", "Sophia": "Sophie", "Hannah": "Annie", "Muhammad": "Mo",
}  # fmt: skip
WOMEN = (
    "Sarah", "Emma", "Laura", "Gemma", "Rebecca", "Hayley", "Priya", "Fatima", "Joanna", "Katie", "Amy",
    "Charlotte", "Nadia", "Claire", "Rachel", "Stacey", "Lucy", "Sophie", "Jess", "Natalie", "Kerry", "Aisha",
    "Agnieszka", "Chioma", "Leanne", "Helen", "Victoria", "Zainab", "Hannah", "Becky", "Samira", "Louise",
    "Danielle", "Jade", "Michelle", "Anna", "Grace", "Shabana", "Yetunde", "Lisa",
)  # fmt: skip
MEN = (
    "James", "Daniel", "Mohammed", "Tom", "Lee", "Chris", "Matthew", "Ryan", "Adam", "Ben", "Craig", "Imran",
    "David", "Jamie", "Mark", "Luke", "Sam", "Paul", "Kwame", "Piotr", "Richard", "Gareth", "Ashley", "Dean",
    "Hassan", "Andrew", "Scott", "Rob", "Wayne", "Steven", "Omar", "Liam", "Jon", "Kieran", "Dominic", "Neil",
)  # fmt: skip
GRANDMOTHERS = ("Margaret", "Susan", "Linda", "Patricia", "Christine", "Janet", "Carol", "Shirley", "Pauline")
GRANDFATHERS = ("John", "Peter", "Michael", "Brian", "Keith", "Alan", "Roy", "Derek", "Graham")
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson",
    "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore", "King",
    "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Parker", "Bennett",
    "Young", "Phillips", "Mitchell", "Bailey", "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan",
    "Kelly", "Begum", "Dixon", "Adams", "Ahmed", "Hussain", "Kaur", "Ali", "Nowak", "Kowalski", "Okafor",
    "Mensah", "Chen", "Nguyen", "O'Brien", "Murphy", "Fraser", "Campbell", "Stewart", "Osei", "Adeyemi",
    "Rahman", "Shah", "Mahmood", "Lewandowski", "Fletcher", "Holmes", "Barker", "Marsh", "Palmer", "Gill",
    "Lloyd-Jones", "Doyle", "Quinn", "Mills", "Ellis",
)  # fmt: skip
STAFF_SURNAMES = (
    "Whitmore", "Ashworth", "Pemberton", "Okonkwo", "Hargreaves", "Lindqvist", "Chaudhry", "Fairbairn",
    "Kettering", "Underwood", "Blackwood", "Rowntree", "Anand", "Mwangi", "Ellery", "Thackeray", "Goldsworthy",
    "Penhaligon", "Darby", "Sowerby", "Iqbal", "Merriweather", "Hollis", "Kerrigan", "Lambourne", "Nightingale",
    "Oduya", "Prendergast", "Quayle", "Radcliffe", "Stroud", "Tennant", "Varga", "Wetherby", "Yardley",
    "Zielinski", "Bramley", "Castell", "Dunmore", "Everard",
)  # fmt: skip
# Three classes in each year group: birds in Reception, trees in Year 1 and Year 2.
CLASS_NAMES = (
    ("Reception", ("Robin", "Wren", "Kingfisher")),
    ("Year 1", ("Oak", "Ash", "Hazel")),
    ("Year 2", ("Willow", "Rowan", "Birch")),
)
# Roles held by one person each, in the order the logins table shows them.
SINGLE_ROLES = (
    (Role.HEADTEACHER, "Headteacher"),
    (Role.SENIOR_LEADER, "Senior leader"),
    (Role.DSL, "DSL"),
    (Role.DEPUTY_DSL, "Deputy DSL"),
    (Role.INCLUSION_LEAD, "Lead for inclusion"),
    (Role.OFFICE, "Office"),
    (Role.OFFICE, "Office"),
)
LOGIN_ROLES = (
    (Role.HEADTEACHER, "Headteacher"),
    (Role.SENIOR_LEADER, "Senior leader"),
    (Role.DSL, "DSL"),
    (Role.DEPUTY_DSL, "Deputy DSL"),
    (Role.INCLUSION_LEAD, "Lead for inclusion"),
    (Role.OFFICE, "Office"),
    (Role.TEACHER, "Teacher"),
    (Role.TEACHING_ASSISTANT, "Teaching assistant"),
)
# Who looks after the children in a family: (weight, carers as (relationship, sex)).
Rel = PupilCarer.Relationship
HOUSEHOLDS: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = (
    (50, ((Rel.MOTHER, "f"), (Rel.FATHER, "m"))),
    (22, ((Rel.MOTHER, "f"),)),
    (6, ((Rel.FATHER, "m"), (Rel.MOTHER, "f"))),
    (5, ((Rel.FATHER, "m"),)),
    (7, ((Rel.MOTHER, "f"), (Rel.STEP_PARENT, "m"))),
    (4, ((Rel.MOTHER, "f"), (Rel.GRANDPARENT, "f"))),
    (3, ((Rel.GRANDPARENT, "f"), (Rel.GRANDPARENT, "m"))),
    (2, ((Rel.OTHER_RELATIVE, "f"),)),
    (1, ((Rel.FOSTER_CARER, "f"),)),
)
_FICTIONAL_LA = settings.UPN_DEMO_LA_NUMBER


# --- The plan: pure, deterministic ---------------------------------------------------------


@dataclass(frozen=True)
class ClassPlan:
    name: str
    year_group: str
    position: int
    email: str


@dataclass(frozen=True)
class StaffPlan:
    title: str
    first_name: str
    surname: str
    email: str
    role: str
    class_index: int | None
    totp_secret: str | None


@dataclass(frozen=True)
class PupilPlan:
    legal_first_name: str
    preferred_first_name: str
    surname: str
    date_of_birth: datetime.date
    upn: str | None
    send_status: str
    has_social_worker: bool
    has_device: bool
    has_internet: bool
    class_index: int


@dataclass(frozen=True)
class CarerPlan:
    title: str
    first_name: str
    surname: str
    email: str
    phone: str
    relationship: str


@dataclass(frozen=True)
class FamilyPlan:
    carers: tuple[CarerPlan, ...]
    children: tuple[PupilPlan, ...]


@dataclass(frozen=True)
class SchoolPlan:
    number: int
    name: str
    urn: str
    domain: str
    address: str
    office_phone: str
    classes: tuple[ClassPlan, ...]
    staff: tuple[StaffPlan, ...]
    families: tuple[FamilyPlan, ...]
    terms: tuple[tuple[str, datetime.date, datetime.date], ...]
    inset_days: tuple[datetime.date, ...]

    @property
    def pupils(self) -> list[PupilPlan]:
        return [child for family in self.families for child in family.children]


def academic_year_start(today: datetime.date) -> int:
    """The calendar year in which the academic year containing `today` began (1 September)."""
    return today.year if today.month >= 9 else today.year - 1


def totp_secret_for(*, seed: int, email: str) -> str:
    """A fixed base32 secret per demo account, so the printed secret stays right between runs."""
    digest = hashlib.sha256(f"home-learning-demo:{seed}:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def _email_part(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _weekday_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _monday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _friday_on_or_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 4) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=last.weekday())


def term_plan(start_year: int) -> tuple[list[tuple[str, datetime.date, datetime.date]], list[datetime.date]]:
    """Six half terms of a typical English school year, and its five INSET days.

    Half-term holidays fall between the half terms, so they are not school days;
    bank holidays inside a half term are left to the school calendar.
    """
    y, n = start_year, start_year + 1
    label = f"{y}/{n % 100:02d}"
    week = datetime.timedelta(days=7)
    three_days = datetime.timedelta(days=3)
    autumn_start = _weekday_on_or_after(datetime.date(y, 9, 1))
    october_half_term = _last_monday(y, 10)
    spring_start = _weekday_on_or_after(datetime.date(n, 1, 5))
    february_half_term = _monday_on_or_after(datetime.date(n, 2, 12))
    spring_end = _friday_on_or_before(datetime.date(n, 3, 31))
    summer_start = spring_end + datetime.timedelta(days=17)  # The Monday after two weeks' Easter holiday.
    may_half_term = _last_monday(n, 5)
    summer_end = _weekday_on_or_before(datetime.date(n, 7, 21))
    terms = [
        (f"Autumn 1 ({label})", autumn_start, october_half_term - three_days),
        (f"Autumn 2 ({label})", october_half_term + week, _friday_on_or_before(datetime.date(y, 12, 20))),
        (f"Spring 1 ({label})", spring_start, february_half_term - three_days),
        (f"Spring 2 ({label})", february_half_term + week, spring_end),
        (f"Summer 1 ({label})", summer_start, may_half_term - three_days),
        (f"Summer 2 ({label})", may_half_term + week, summer_end),
    ]
    inset = [
        autumn_start,
        _weekday_on_or_after(autumn_start + datetime.timedelta(days=1)),
        spring_start,
        may_half_term + week,
        summer_end,
    ]
    return terms, inset


def _school_identity(number: int) -> tuple[str, str, str]:
    """(name, URN, staff email domain) of the demo school with this number (1 is Balfour)."""
    if number == 1:
        return "Balfour Infant School", f"{FIRST_URN:06d}", "balfour.example"
    return f"Demo School {number}", f"{900000 + number:06d}", f"demo-school-{number}.example"


def _carer_domains(number: int) -> tuple[str, ...]:
    # Each school's families have their own domains, so no login is shared between schools.
    if number == 1:
        return ("example.com", "example.org", "example.net")
    return (f"families-{number}.example.org",)


def _plan_staff(rng: random.Random, *, seed: int, domain: str, classes: tuple[ClassPlan, ...]) -> tuple[StaffPlan, ...]:
    posts: list[tuple[str, int | None]] = [(role, None) for role, _ in SINGLE_ROLES]
    for index in range(len(classes)):
        posts.append((Role.TEACHER, index))
        posts.append((Role.TEACHING_ASSISTANT, index))
    surnames = rng.sample(STAFF_SURNAMES, len(posts))
    # Drawn without replacement, so no two colleagues share a first name.
    women, men = rng.sample(WOMEN, len(WOMEN)), rng.sample(MEN, len(MEN))
    staff: list[StaffPlan] = []
    for (role, class_index), surname in zip(posts, surnames, strict=True):
        if rng.random() < 0.8 and women:
            first_name, title = women.pop(), rng.choice(("Mrs", "Ms", "Miss", "Mrs"))
        else:
            first_name, title = men.pop(), "Mr"
        if role == Role.HEADTEACHER and rng.random() < 0.3:
            title = "Dr"
        if role in {Role.OFFICE, Role.TEACHING_ASSISTANT} and rng.random() < 0.5:
            title = ""  # Known to families by first name.
        email = f"{_email_part(first_name)}.{_email_part(surname)}@{domain}"
        secret = totp_secret_for(seed=seed, email=email) if role in MFA_ROLES else None
        staff.append(
            StaffPlan(
                title=title,
                first_name=first_name,
                surname=surname,
                email=email,
                role=role,
                class_index=class_index,
                totp_secret=secret,
            )
        )
    return tuple(staff)


class _FamilyPlanner:
    """Invents families to fill a school's places, siblings in different year groups."""

    def __init__(self, rng: random.Random, *, number: int, start_year: int, classes: tuple[ClassPlan, ...]) -> None:
        self.rng = rng
        self.number = number
        self.start_year = start_year
        self.classes = classes
        self.domains = _carer_domains(number)
        self.used_emails: set[str] = set()
        self.upn_serials: dict[int, int] = {}

    def families(self, pupils: int) -> tuple[FamilyPlan, ...]:
        rng = self.rng
        # Places dealt round the classes in turn, so classes differ in size by one at most.
        places: dict[int, list[int]] = {}
        for place in range(pupils):
            class_index = place % len(self.classes)
            places.setdefault(self.classes[class_index].position, []).append(class_index)
        for seats in places.values():
            rng.shuffle(seats)
        families: list[FamilyPlan] = []
        while any(places.values()):
            open_years = [position for position, seats in sorted(places.items()) if seats]
            # The first family has two children, so there is always a parent of two to sign in as.
            size = 2 if not families else rng.choices((1, 2, 3), weights=(78, 19, 3))[0]
            years = rng.sample(open_years, min(size, len(open_years)))
            families.append(self._family([places[position].pop() for position in sorted(years)]))
        return tuple(families)

    def _family(self, class_indexes: list[int]) -> FamilyPlan:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        household = rng.choices([h for _, h in HOUSEHOLDS], weights=[w for w, _ in HOUSEHOLDS])[0]
        fostered = household[0][0] == Rel.FOSTER_CARER
        carers = tuple(
            self._carer(relationship, sex, surname, with_email=position == 0 or rng.random() < 0.9)
            for position, (relationship, sex) in enumerate(household)
        )
        children: list[PupilPlan] = []
        for class_index in class_indexes:
            children.append(self._child(class_index, surname, fostered, taken={c.legal_first_name for c in children}))
        return FamilyPlan(carers=carers, children=tuple(children))

    def _carer(self, relationship: str, sex: str, surname: str, *, with_email: bool) -> CarerPlan:
        rng = self.rng
        if relationship == Rel.GRANDPARENT:
            first_name = rng.choice(GRANDMOTHERS if sex == "f" else GRANDFATHERS)
        else:
            first_name = rng.choice(WOMEN if sex == "f" else MEN)
        if relationship in {Rel.STEP_PARENT, Rel.FOSTER_CARER, Rel.OTHER_RELATIVE} or rng.random() < 0.12:
            surname = rng.choice(SURNAMES)
        title = rng.choice(("", "", "Mrs", "Ms", "Miss") if sex == "f" else ("", "", "Mr"))
        email = ""
        if with_email:
            first, last = _email_part(first_name), _email_part(surname)
            local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}.{last}.home"))
            domain = rng.choice(self.domains)
            email, suffix = f"{local}@{domain}", 1
            while email in self.used_emails:
                suffix += 1
                email = f"{local}{suffix}@{domain}"
            self.used_emails.add(email)
        phone = f"07700 900{rng.randrange(1000):03d}"
        return CarerPlan(
            title=title, first_name=first_name, surname=surname, email=email, phone=phone, relationship=relationship
        )

    def _child(self, class_index: int, surname: str, fostered: bool, *, taken: set[str]) -> PupilPlan:
        rng = self.rng
        position = self.classes[class_index].position
        pool = [name for name in (GIRLS if rng.random() < 0.5 else BOYS) if name not in taken]
        legal = rng.choice(pool)
        preferred = KNOWN_AS[legal] if legal in KNOWN_AS and rng.random() < 0.6 else ""
        # Children start Reception in the September after they turn four.
        born_from = datetime.date(self.start_year - 5 - position, 9, 1)
        born = born_from + datetime.timedelta(days=rng.randrange(365))
        roll = rng.random()
        send = Pupil.Send.EHC_PLAN if roll < 0.025 else Pupil.Send.SEN_SUPPORT if roll < 0.15 else Pupil.Send.NONE
        social_worker = fostered or rng.random() < 0.015
        has_device = has_internet = True
        if rng.random() < 0.05:
            has_device, has_internet = rng.choice(((False, True), (True, False), (False, False)))
        return PupilPlan(
            legal_first_name=legal,
            preferred_first_name=preferred,
            surname=surname,
            date_of_birth=born,
            upn=self._upn(admitted=self.start_year - position),
            send_status=send,
            has_social_worker=social_worker,
            has_device=has_device,
            has_internet=has_internet,
            class_index=class_index,
        )

    def _upn(self, *, admitted: int) -> str | None:
        # Fictional LA 999, this school's establishment number, year allocated, serial.
        serial = self.upn_serials.get(admitted, 0) + 1
        self.upn_serials[admitted] = serial
        if serial > 999:
            return None
        body = f"{_FICTIONAL_LA}{2000 + self.number:04d}{admitted % 100:02d}{serial:03d}"
        return upn_check_letter(body) + body


def plan_school(*, seed: int, number: int, pupils: int, today: datetime.date) -> SchoolPlan:
    """Everything about demo school `number`, the same every time for the same arguments."""
    rng = random.Random(f"home-learning-demo:{seed}:{number}")  # noqa: S311 - invented names, not secrets.
    name, urn, domain = _school_identity(number)
    start_year = academic_year_start(today)
    classes = tuple(
        ClassPlan(name=class_name, year_group=year_group, position=position, email=f"{class_name.lower()}@{domain}")
        for position, (year_group, names) in enumerate(CLASS_NAMES)
        for class_name in names
    )
    staff = _plan_staff(rng, seed=seed, domain=domain, classes=classes)
    families = _FamilyPlanner(rng, number=number, start_year=start_year, classes=classes).families(pupils)
    terms: list[tuple[str, datetime.date, datetime.date]] = []
    inset: list[datetime.date] = []
    for year in (start_year, start_year + 1):
        year_terms, year_inset = term_plan(year)
        terms += year_terms
        inset += year_inset
    road = name.split()[0] if number == 1 else "School"
    return SchoolPlan(
        number=number,
        name=name,
        urn=urn,
        domain=domain,
        address=f"{number} {road} Road\nNorthbridge\nZZ99 {number % 10}ZZ",
        office_phone=f"01632 960{number % 1000:03d}",
        classes=classes,
        staff=staff,
        families=families,
        terms=tuple(terms),
        inset_days=tuple(inset),
    )


# --- Writing the plan ----------------------------------------------------------------------


def school_seed(*, plan: SchoolPlan, password_hash: str) -> School:
    """Write one planned school. Services for the few rows with rules; bulk inserts for the many."""
    emails = [s.email for s in plan.staff] + [c.email for f in plan.families for c in f.carers if c.email]
    taken = list(User.objects.filter(email__in=emails).values_list("email", flat=True)[:3])
    if taken:
        raise CommandError(f"These demo addresses already belong to accounts: {', '.join(taken)}.")
    school = services.school_create(
        name=plan.name,
        urn=plan.urn,
        office_email=f"office@{plan.domain}",
        office_phone=plan.office_phone,
        staff_email_domains=[plan.domain],
        address=plan.address,
        website=f"https://www.{plan.domain}/",
    )
    year_groups = {yg.name: yg for yg in school.year_groups.all()}
    classes: list[SchoolClass] = [
        services.class_create(school=school, year_group=year_groups[c.year_group], name=c.name, email=c.email)
        for c in plan.classes
    ]

    staff_user_ids: list[int] = []
    for person in plan.staff:
        staff = services.staff_create(
            school=school,
            email=person.email,
            first_name=person.first_name,
            surname=person.surname,
            roles=[person.role],
            title=person.title,
        )
        staff_user_ids.append(staff.user_id)
        if person.class_index is not None:
            kind = ClassStaff.Kind.TEACHER if person.role == Role.TEACHER else ClassStaff.Kind.TEACHING_ASSISTANT
            services.class_staff_assign(school_class=classes[person.class_index], staff=staff, kind=kind)
        if person.totp_secret:
            TOTP.activate(staff.user, person.totp_secret)
    # One hash for every staff account: hashing each would cost ~0.3 s apiece by design.
    User.objects.filter(pk__in=staff_user_ids).update(password=password_hash)

    carer_plans = [c for f in plan.families for c in f.carers]
    users = User.objects.bulk_create(
        [User(email=c.email, password=make_password(None)) for c in carer_plans if c.email]
    )
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    user_by_email = {u.email: u for u in users}
    carers = Carer.objects.bulk_create(
        [
            Carer(
                school=school,
                user=user_by_email.get(c.email),
                title=c.title,
                first_name=c.first_name,
                surname=c.surname,
                email=c.email,
                phone=c.phone,
            )
            for c in carer_plans
        ]
    )
    pupil_plans = plan.pupils
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                school=school,
                school_class=classes[p.class_index],
                legal_first_name=p.legal_first_name,
                preferred_first_name=p.preferred_first_name,
                surname=p.surname,
                date_of_birth=p.date_of_birth,
                upn=p.upn,
                send_status=p.send_status,
                has_social_worker=p.has_social_worker,
                has_device=p.has_device,
                has_internet=p.has_internet,
            )
            for p in pupil_plans
        ]
    )
    links: list[PupilCarer] = []
    carer_iter, pupil_iter = iter(carers), iter(pupils)
    for family in plan.families:
        family_carers = [next(carer_iter) for _ in family.carers]
        for _ in family.children:
            pupil = next(pupil_iter)
            for priority, (carer, carer_plan) in enumerate(zip(family_carers, family.carers, strict=True), start=1):
                links.append(
                    PupilCarer(
                        pupil=pupil,
                        carer=carer,
                        relationship=carer_plan.relationship,
                        parental_responsibility=carer_plan.relationship
                        not in {Rel.GRANDPARENT, Rel.OTHER_RELATIVE, Rel.FOSTER_CARER, Rel.STEP_PARENT},
                        priority=priority,
                        is_primary=priority == 1,
                    )
                )
    PupilCarer.objects.bulk_create(links)
    _demo_languages(school=school, number=plan.number)
    _demo_text_family(school=school)

    Term.objects.bulk_create(
        [Term(school=school, name=name, first_day=first, last_day=last) for name, first, last in plan.terms]
    )
    NonSchoolDay.objects.bulk_create(
        [
            NonSchoolDay(school=school, date=day, kind=NonSchoolDay.Kind.INSET, note="Staff training day")
            for day in plan.inset_days
        ]
    )
    audit(
        action="demo.seed",
        actor=None,
        school=school,
        target=school,
        details={"pupils": len(pupils), "carers": len(carers), "staff": len(plan.staff)},
    )
    return school


# About one family in five reads another language first (DfE: 20.2% of pupils have a first language other
# than English); the weights follow the languages' rough share among English pupils.
DEMO_LANGUAGES = (
    ("pl", 4),
    ("ur", 3),
    ("pa", 2),
    ("bn", 2),
    ("ro", 2),
    ("ar", 2),
    ("pt", 1),
    ("so", 1),
    ("es", 1),
    ("uk", 1),
)
DEMO_LANGUAGE_SHARE = 0.2


def _demo_languages(*, school: School, number: int) -> None:
    """Give about a fifth of the demo's families a home language other than English, the same every run, so
    the demo shows pages, emails and packs in several languages. The printed parent stays in English."""
    rng = random.Random(f"home-learning-demo-languages:{number}")  # noqa: S311 - invented data, not secrets.
    printed = _printed_parent(school=school)
    codes, weights = zip(*DEMO_LANGUAGES, strict=True)
    by_family: dict[int, str] = {}
    chosen: list[Carer] = []
    for link in PupilCarer.objects.filter(pupil__school=school).order_by("pupil_id", "priority"):
        family = link.pupil_id
        if family not in by_family:
            by_family[family] = rng.choices(codes, weights)[0] if rng.random() < DEMO_LANGUAGE_SHARE else ""
        if by_family[family] and link.carer_id != getattr(printed, "pk", None):
            chosen.append(Carer(pk=link.carer_id, preferred_language=by_family[family]))
    Carer.objects.bulk_update(chosen, ["preferred_language"], batch_size=500)


# The demo's family reached by text (issue 16): a Polish-reading mother with a mobile and no email address.
# Her number is in Ofcom's drama range, which reaches nobody.
DEMO_TEXT_MOBILE = "+447700900100"


def _polish_parents(school: School) -> Any:
    return (
        Carer.objects.filter(school=school, user__isnull=False, preferred_language="pl", pupil_links__is_primary=True)
        .select_related("user")
        .order_by("pk")
        .distinct()
    )


def _demo_text_family(*, school: School) -> None:
    """The second Polish-reading primary carer loses her email address and signs in by a code sent by text."""
    found = list(_polish_parents(school)[:2])
    carer = found[1] if len(found) > 1 else None
    if carer is None or carer.user is None or User.objects.filter(phone=DEMO_TEXT_MOBILE).exists():
        return
    user = carer.user
    EmailAddress.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(
        email=f"phone-{user.pk}@{services.PHONE_ONLY_DOMAIN}", phone=DEMO_TEXT_MOBILE, phone_verified=True
    )
    Carer.objects.filter(pk=carer.pk).update(email="", phone=DEMO_TEXT_MOBILE, contact_by=Carer.ContactBy.TEXT)


def _printed_parent(*, school: School) -> Carer | None:
    """The parent the logins table prints: the first primary carer with two children, or the first one."""
    parents = (
        Carer.objects.filter(school=school, user__isnull=False, pupil_links__is_primary=True)
        .annotate(children=Count("pupil_links"))
        .order_by("pk")
        .select_related("user")
    )
    return parents.filter(children=2).first() or parents.first()


# --- The logins table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    sign_in: str  # The password, or how else this person signs in.
    totp_secret: str
    note: str


def demo_logins(*, school: School) -> list[Login]:
    """One account per role, the same ones every time (the first created). The parent printed has two children
    where the demo has such a family; the teacher and teaching assistant printed work in a class of one of the
    parent's children, so the printed logins can send work, give feedback and read it."""
    parent = _printed_parent(school=school)
    children = (
        list(Pupil.objects.filter(carer_links__carer=parent).select_related("school_class").order_by("pk"))
        if parent is not None
        else []
    )
    taught = (
        ClassStaff.objects.filter(
            school_class__in=[c.school_class_id for c in children],
            kind=ClassStaff.Kind.TEACHER,
            staff__is_active=True,
            staff__roles__role=Role.TEACHER,
        )
        .order_by("school_class_id", "pk")
        .values_list("school_class_id", flat=True)
        .first()
    )
    logins: list[Login] = []
    for role, label in LOGIN_ROLES:
        candidates = Staff.objects.filter(school=school, roles__role=role, is_active=True)
        if role in (Role.TEACHER, Role.TEACHING_ASSISTANT) and taught is not None:
            same_class = candidates.filter(class_links__school_class_id=taught)
            candidates = same_class if same_class.exists() else candidates
        staff = candidates.select_related("user").order_by("pk").first()
        if staff is None:
            continue
        authenticator = Authenticator.objects.filter(user=staff.user, type=Authenticator.Type.TOTP).first()
        secret = decrypt(authenticator.data["secret"]) if authenticator is not None else ""
        note = staff.full_name
        link = staff.class_links.select_related("school_class").order_by("pk").first()
        if link is not None:
            note += f", {link.school_class.name} class"
        logins.append(Login(role=label, email=staff.user.email, sign_in=DEMO_PASSWORD, totp_secret=secret, note=note))
    if parent is not None and parent.user is not None:
        note = f"{parent.full_name}: " + ", ".join(f"{p.first_name} ({p.school_class.name})" for p in children)
        logins.append(
            Login(role="Parent", email=parent.user.email, sign_in="sign-in code by email", totp_secret="", note=note)
        )
    # A parent whose pages are in Polish (issue 16), to see the translations without changing anything.
    polish = _polish_parents(school).exclude(phone=DEMO_TEXT_MOBILE).first()
    if polish is not None and polish.user is not None:
        logins.append(
            Login(
                role="Parent (Polski)",
                email=polish.user.email,
                sign_in="sign-in code by email",
                totp_secret="",
                note=f"{polish.full_name}: pages and emails in Polish",
            )
        )
    by_text = Carer.objects.filter(school=school, phone=DEMO_TEXT_MOBILE).first()
    if by_text is not None:
        logins.append(
            Login(
                role="Parent (by text)",
                email="07700 900100",
                sign_in="sign-in code by text",
                totp_secret="",
                note=f"{by_text.full_name}: no email address; texts in Polish (read them in the demo outbox)",
            )
        )
    return logins


def format_logins(*, school: School, logins: list[Login]) -> str:
    header = ("Role", "Email", "Password", "Authenticator (TOTP) secret", "Who")
    rows = [header] + [(x.role, x.email, x.sign_in, x.totp_secret or "-", x.note) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [f"Demo logins for {school.name} (URN {school.urn}):", ""]
    for row in rows:
        lines.append("  " + "".join(cell.ljust(width + 2) for cell, width in zip(row, widths, strict=False)) + row[-1])
    lines += [
        "",
        "Staff with an authenticator secret: add it to an authenticator app, or get the current code with",
        "  .venv/bin/python manage.py totp_code <email>",
        "Parents sign in with a code sent by email or by text: open the demo outbox at /dev/outbox/ to read it.",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Create the demo school (Balfour Infant School) with invented staff, pupils and families."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pupils", type=int, default=DEFAULT_PUPILS, help="Pupils per school (default 270).")
        parser.add_argument("--schools", type=int, default=1, help="How many schools (default 1).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed for the invented names.")
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO_MODE):
            # Every demo staff account shares a published password: never on a real server.
            raise CommandError("seed_demo only runs with DEBUG=true or DEMO_MODE=true.")
        pupils, schools, seed = options["pupils"], options["schools"], options["seed"]
        if not 0 <= pupils <= MAX_PUPILS:
            raise CommandError(f"--pupils must be between 0 and {MAX_PUPILS}.")
        if not 1 <= schools <= MAX_SCHOOLS:
            raise CommandError(f"--schools must be between 1 and {MAX_SCHOOLS}.")

        if not options["logins"]:
            started = time.monotonic()
            today = clock.today()
            created = 0
            password_hash = ""
            with transaction.atomic():
                for number in range(1, schools + 1):
                    name, urn, _ = _school_identity(number)
                    if School.objects.filter(urn=urn).exists():
                        self.stdout.write(f"{name} (URN {urn}) is already there: nothing changed.")
                        continue
                    password_hash = password_hash or make_password(DEMO_PASSWORD)
                    plan = plan_school(seed=seed, number=number, pupils=pupils, today=today)
                    school_seed(plan=plan, password_hash=password_hash)
                    created += 1
                    self.stdout.write(
                        f"Created {name} (URN {urn}): {len(plan.classes)} classes, {len(plan.staff)} staff, "
                        f"{len(plan.pupils)} pupils, {sum(len(f.carers) for f in plan.families)} carers."
                    )
            if created:
                self.stdout.write(f"Seeded {created} school(s) in {time.monotonic() - started:.1f} s.")

        first = School.objects.filter(urn=_school_identity(1)[1]).first()
        if first is None:
            raise CommandError("There is no demo school yet: run `manage.py seed_demo` first.")
        self.stdout.write("")
        self.stdout.write(format_logins(school=first, logins=demo_logins(school=first)))
