"""Reads for the people app. Each names its joins, so a page's query count does not grow with its rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from homelearning.people.models import (
    Carer,
    ClassStaff,
    PolicyVersion,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
)
from homelearning.people.viewer import Viewer


def policy_in_force(school: School) -> PolicyVersion:
    """The school's policy figures. A school always has one version in force (created with the school)."""
    return PolicyVersion.objects.get(school=school, in_force=True)


def classes_with_staff(classes: QuerySet[SchoolClass]) -> list[SchoolClass]:
    """Classes with their year group, teachers and TAs, and number of pupils on roll."""
    return list(
        classes.select_related("year_group")
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True)))
        .prefetch_related(
            Prefetch(
                "staff_links", queryset=ClassStaff.objects.select_related("staff").order_by("kind", "staff__surname")
            )
        )
        .order_by("year_group__position", "name")
    )


def classes_with_pupils(classes: QuerySet[SchoolClass]) -> list[SchoolClass]:
    """Classes with staff, and their pupils on roll as `pupils_on_roll`, in three queries."""
    result = classes_with_staff(classes)
    by_class: dict[int, list[Pupil]] = {c.pk: [] for c in result}
    for pupil in Pupil.objects.filter(school_class__in=result, left_on__isnull=True).order_by(
        "surname", "legal_first_name"
    ):
        by_class[pupil.school_class_id].append(pupil)
    for c in result:
        c.pupils_on_roll = by_class[c.pk]  # type: ignore[attr-defined]
    return result


def policy_history(school: School) -> list[PolicyVersion]:
    return list(PolicyVersion.objects.filter(school=school).select_related("created_by").order_by("-created_at")[:20])


def pupils_in_class(school_class: SchoolClass) -> list[Pupil]:
    return list(
        Pupil.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("school_class")
        .order_by("surname", "legal_first_name")
    )


def carer_links_for_pupil(pupil: Pupil) -> list[PupilCarer]:
    return list(PupilCarer.objects.filter(pupil=pupil).select_related("carer").order_by("-is_primary", "priority"))


@dataclass(frozen=True)
class ChildSummary:
    pupil: Pupil
    teachers: list[Staff]


def children_of(viewer: Viewer) -> list[ChildSummary]:
    """The signed-in carer's children on roll, with their class teachers, across schools."""
    if not viewer.carer_records:
        return []
    pupils = list(
        Pupil.objects.filter(carer_links__carer__in=viewer.carer_records, left_on__isnull=True)
        .select_related("school_class__year_group", "school")
        .prefetch_related(
            Prefetch(
                "school_class__staff_links",
                queryset=ClassStaff.objects.filter(kind=ClassStaff.Kind.TEACHER).select_related("staff"),
            )
        )
        .distinct()
        .order_by("date_of_birth")
    )
    return [ChildSummary(pupil=p, teachers=[link.staff for link in p.school_class.staff_links.all()]) for p in pupils]


@dataclass(frozen=True)
class SchoolOverview:
    school: School
    policy: PolicyVersion
    pupils_on_roll: int
    classes: list[SchoolClass]
    staff_by_role: list[tuple[str, int]]
    carers: int
    pupils_without_device: int
    pupils_with_ehc_plan: int
    pupils_with_social_worker: int
    review_due: bool


def school_overview(school: School, *, today: datetime.date) -> SchoolOverview:
    pupils = Pupil.objects.filter(school=school, left_on__isnull=True).aggregate(
        total=Count("id"),
        without_device=Count("id", filter=Q(has_device=False) | Q(has_internet=False)),
        ehc=Count("id", filter=Q(send_status=Pupil.Send.EHC_PLAN)),
        social_worker=Count("id", filter=Q(has_social_worker=True)),
    )
    role_counts = dict(
        StaffRole.objects.filter(staff__school=school, staff__is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    policy = policy_in_force(school)
    return SchoolOverview(
        school=school,
        policy=policy,
        pupils_on_roll=pupils["total"],
        classes=classes_with_staff(SchoolClass.objects.filter(school=school)),
        staff_by_role=[(label, role_counts.get(value, 0)) for value, label in Role.choices],
        carers=Carer.objects.filter(school=school).count(),
        pupils_without_device=pupils["without_device"],
        pupils_with_ehc_plan=pupils["ehc"],
        pupils_with_social_worker=pupils["social_worker"],
        review_due=policy.review_is_due(today),
    )


def staff_list(school: School) -> list[Staff]:
    return list(
        Staff.objects.filter(school=school, is_active=True)
        .select_related("user")
        .prefetch_related("roles", Prefetch("class_links", queryset=ClassStaff.objects.select_related("school_class")))
        .order_by("surname", "first_name")
    )


def staff_of_class(school_class: SchoolClass) -> list[ClassStaff]:
    return list(
        ClassStaff.objects.filter(school_class=school_class).select_related("staff").order_by("kind", "staff__surname")
    )
