"""Named people in one fictional school, and an outsider from another.

Every test that needs people takes the `world` fixture and uses these names,
so the permission ladder reads the same everywhere:

    world.head, world.senior, world.dsl, world.inclusion, world.office,
    world.teacher (Oak class), world.ta (Oak class), world.teacher_ash,
    world.parent (two children: Amy in Oak, Ben in Ash),
    world.other_parent (Cara in Oak),
    world.outsider_head, world.outsider_teacher, world.outsider_parent (another school).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from homelearning.people import services
from homelearning.people.models import MFA_ROLES, ClassStaff, Pupil, PupilCarer, Role, School, SchoolClass, Staff, User

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class World:
    school: School
    oak: SchoolClass
    ash: SchoolClass
    head: User
    senior: User
    dsl: User
    inclusion: User
    office: User
    teacher: User
    ta: User
    teacher_ash: User
    parent: User
    other_parent: User
    amy: Pupil
    ben: Pupil
    cara: Pupil
    other_school: School
    outsider_head: User
    outsider_teacher: User
    outsider_parent: User
    outsider_pupil: Pupil
    outsider_class: SchoolClass

    def staff(self, user: User) -> Staff:
        return Staff.objects.get(user=user)


def give_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    return TOTP.activate(user, secret).instance


def _school(name: str, urn: str, domain: str) -> School:
    return services.school_create(
        name=name,
        urn=urn,
        office_email=f"office@{domain}",
        office_phone="01632 960000",
        staff_email_domains=[domain],
        address="1 School Lane, Testbury",
    )


def _staff(school: School, email: str, first: str, surname: str, roles: list[str], title: str = "") -> User:
    staff = services.staff_create(
        school=school, email=email, first_name=first, surname=surname, roles=roles, title=title, password=PASSWORD
    )
    user = staff.user
    if any(r in MFA_ROLES for r in roles):
        give_totp(user)
    return user


def _pupil(school_class: SchoolClass, first: str, surname: str, born: datetime.date, **extra: object) -> Pupil:
    return services.pupil_create(
        school_class=school_class,
        legal_first_name=first,
        surname=surname,
        date_of_birth=born,
        **extra,  # type: ignore[arg-type]
    )


def build_world() -> World:
    school = _school("Balfour Test Infant School", "100001", "balfour.test")
    year_groups = {yg.name: yg for yg in school.year_groups.all()}
    oak = services.class_create(school=school, year_group=year_groups["Year 1"], name="Oak", email="oak@balfour.test")
    ash = services.class_create(school=school, year_group=year_groups["Year 2"], name="Ash", email="ash@balfour.test")

    head = _staff(school, "head@balfour.test", "Helen", "Hart", [Role.HEADTEACHER, Role.DSL], "Mrs")
    senior = _staff(school, "senior@balfour.test", "Sam", "Stone", [Role.SENIOR_LEADER], "Mr")
    dsl = _staff(school, "dsl@balfour.test", "Dana", "Dale", [Role.DEPUTY_DSL, Role.TEACHER], "Ms")
    inclusion = _staff(school, "inclusion@balfour.test", "Ines", "Irwin", [Role.INCLUSION_LEAD], "Mrs")
    office = _staff(school, "office@balfour.test", "Olive", "Owen", [Role.OFFICE])
    teacher = _staff(school, "teacher@balfour.test", "Tom", "Teal", [Role.TEACHER], "Mr")
    ta = _staff(school, "ta@balfour.test", "Tara", "Ash", [Role.TEACHING_ASSISTANT])
    teacher_ash = _staff(school, "ash.teacher@balfour.test", "Asha", "Birch", [Role.TEACHER], "Miss")
    services.class_staff_assign(school_class=oak, staff=Staff.objects.get(user=teacher), kind=ClassStaff.Kind.TEACHER)
    services.class_staff_assign(
        school_class=oak, staff=Staff.objects.get(user=ta), kind=ClassStaff.Kind.TEACHING_ASSISTANT
    )
    services.class_staff_assign(
        school_class=ash, staff=Staff.objects.get(user=teacher_ash), kind=ClassStaff.Kind.TEACHER
    )

    amy = _pupil(oak, "Amelia", "Parker", datetime.date(2020, 3, 4), preferred_first_name="Amy", upn="T938456789012")
    ben = _pupil(ash, "Ben", "Parker", datetime.date(2019, 1, 20), has_device=False)
    cara = _pupil(oak, "Cara", "Quinn", datetime.date(2020, 6, 1), send_status=Pupil.Send.EHC_PLAN)
    link = services.carer_link(
        pupil=amy,
        first_name="Pat",
        surname="Parker",
        email="pat.parker@example.com",
        phone="07700 900001",
        relationship=PupilCarer.Relationship.MOTHER,
        is_primary=True,
    )
    services.carer_link(
        pupil=ben,
        first_name="Pat",
        surname="Parker",
        email="pat.parker@example.com",
        relationship=PupilCarer.Relationship.MOTHER,
        is_primary=True,
    )
    other = services.carer_link(
        pupil=cara,
        first_name="Quentin",
        surname="Quinn",
        email="q.quinn@example.com",
        phone="07700 900002",
        relationship=PupilCarer.Relationship.FATHER,
        is_primary=True,
    )

    other_school = _school("Elsewhere Primary", "200002", "elsewhere.test")
    other_y1 = other_school.year_groups.get(name="Year 1")
    outsider_class = services.class_create(school=other_school, year_group=other_y1, name="Willow")
    outsider_head = _staff(other_school, "head@elsewhere.test", "Owen", "Other", [Role.HEADTEACHER])
    outsider_teacher = _staff(other_school, "teacher@elsewhere.test", "Una", "Other", [Role.TEACHER])
    services.class_staff_assign(
        school_class=outsider_class, staff=Staff.objects.get(user=outsider_teacher), kind=ClassStaff.Kind.TEACHER
    )
    outsider_pupil = _pupil(outsider_class, "Olly", "Outside", datetime.date(2020, 2, 2))
    outsider_link = services.carer_link(
        pupil=outsider_pupil,
        first_name="Orla",
        surname="Outside",
        email="orla@example.com",
        relationship=PupilCarer.Relationship.MOTHER,
        is_primary=True,
    )
    assert link.carer.user and other.carer.user and outsider_link.carer.user
    return World(
        school=school,
        oak=oak,
        ash=ash,
        head=head,
        senior=senior,
        dsl=dsl,
        inclusion=inclusion,
        office=office,
        teacher=teacher,
        ta=ta,
        teacher_ash=teacher_ash,
        parent=link.carer.user,
        other_parent=other.carer.user,
        amy=amy,
        ben=ben,
        cara=cara,
        other_school=other_school,
        outsider_head=outsider_head,
        outsider_teacher=outsider_teacher,
        outsider_parent=outsider_link.carer.user,
        outsider_pupil=outsider_pupil,
        outsider_class=outsider_class,
    )
