"""What the JSON API returns. Only what a school's own systems need (UK GDPR: data minimisation)."""

from __future__ import annotations

from ninja import Schema

from homelearning.people.models import ClassStaff, Pupil, SchoolClass


class SchoolOut(Schema):
    code: str
    name: str
    urn: str


class MeOut(Schema):
    email: str
    name: str
    school: SchoolOut
    roles: list[str]


class ClassStaffOut(Schema):
    name: str
    kind: str

    @staticmethod
    def resolve_name(obj: ClassStaff) -> str:
        return obj.staff.full_name


class ClassOut(Schema):
    code: str
    name: str
    year_group: str
    email: str
    pupil_count: int
    staff: list[ClassStaffOut]

    @staticmethod
    def resolve_year_group(obj: SchoolClass) -> str:
        return obj.year_group.name

    @staticmethod
    def resolve_staff(obj: SchoolClass) -> list[ClassStaff]:
        return list(obj.staff_links.all())


class PupilOut(Schema):
    code: str
    first_name: str
    surname: str
    class_code: str
    year_group: str

    @staticmethod
    def resolve_first_name(obj: Pupil) -> str:
        # The name the child is known by, never the legal name when it differs.
        return obj.first_name

    @staticmethod
    def resolve_class_code(obj: Pupil) -> str:
        return obj.school_class.code

    @staticmethod
    def resolve_year_group(obj: Pupil) -> str:
        return obj.school_class.year_group.name
