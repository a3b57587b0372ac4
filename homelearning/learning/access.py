"""Who may plan, adapt and open what. Every helper answers 404 for "missing" and for "not yours"."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from homelearning.core.dates import day_from
from homelearning.learning.models import Activity, Plan, PlanTemplate, Resource
from homelearning.people.models import ClassStaff, Pupil, Role, SchoolClass
from homelearning.people.viewer import Viewer

# Who plans a class's learning and keeps the resource library.
PLANNER_ROLES = (Role.TEACHER, Role.TEACHING_ASSISTANT, Role.HEADTEACHER, Role.SENIOR_LEADER)
# Who adapts learning for one pupil: a teacher of the pupil's class, or the lead for inclusion.
ADAPTER_ROLES = (Role.TEACHER, Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SENIOR_LEADER)


def parse_day(value: str | datetime.date) -> datetime.date:
    """A day from a URL (already a date, through the `day` converter) or a query string: 404 outside
    the window of dates Home Learning accepts (core.dates)."""
    return day_from(value)


def classes_planned_by(viewer: Viewer) -> QuerySet[SchoolClass]:
    """Leaders plan for every class; teachers and TAs for their own classes only."""
    staff = viewer.staff
    if staff is None or not viewer.has_role(*PLANNER_ROLES):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.filter(school=staff.school)
    if viewer.is_leader:
        return classes
    return classes.filter(staff_links__staff=staff)


def get_class_for_planner(viewer: Viewer, code: str) -> SchoolClass:
    try:
        return classes_planned_by(viewer).select_related("year_group", "school").distinct().get(code=code)
    except SchoolClass.DoesNotExist:
        raise Http404("No such class.") from None


def get_activity_for_planner(viewer: Viewer, code: str) -> Activity:
    """A class activity (not bespoke) of a plan the viewer may edit, or an activity of a school template."""
    staff = viewer.staff
    if staff is None:
        raise Http404("No such activity.")
    activities = Activity.objects.filter(
        Q(plan__school_class__in=classes_planned_by(viewer)) | Q(template__school=staff.school, plan__isnull=True),
        pupil__isnull=True,
    )
    try:
        return activities.select_related("plan__school_class", "template", "subject").distinct().get(code=code)
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None


def pupils_adapted_by(viewer: Viewer) -> QuerySet[Pupil]:
    staff = viewer.staff
    if staff is None:
        return Pupil.objects.none()
    pupils = Pupil.objects.filter(school=staff.school, left_on__isnull=True)
    if viewer.is_leader or viewer.has_role(Role.INCLUSION_LEAD):
        return pupils
    if not viewer.has_role(Role.TEACHER):
        return Pupil.objects.none()
    taught = ClassStaff.objects.filter(staff=staff, kind=ClassStaff.Kind.TEACHER).values("school_class")
    return pupils.filter(school_class__in=taught)


def can_adapt(viewer: Viewer, pupil: Pupil) -> bool:
    return pupils_adapted_by(viewer).filter(pk=pupil.pk).exists()


def get_pupil_for_adapter(viewer: Viewer, code: str) -> Pupil:
    try:
        return pupils_adapted_by(viewer).select_related("school_class__year_group", "school").get(code=code)
    except Pupil.DoesNotExist:
        raise Http404("No such pupil.") from None


def get_bespoke_activity(viewer: Viewer, pupil: Pupil, code: str) -> Activity:
    try:
        return Activity.objects.select_related("plan", "subject").get(code=code, pupil=pupil)
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None


def get_class_activity_of_pupil(pupil: Pupil, code: str) -> Activity:
    try:
        return Activity.objects.select_related("plan", "subject").get(
            code=code, pupil__isnull=True, plan__school_class_id=pupil.school_class_id
        )
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None


def get_resource_in_library(viewer: Viewer, code: str) -> Resource:
    staff = viewer.staff
    if staff is None:
        raise Http404("No such resource.")
    try:
        return Resource.objects.select_related("subject", "year_group").get(school=staff.school, code=code)
    except Resource.DoesNotExist:
        raise Http404("No such resource.") from None


def get_resource_file_for(viewer: Viewer, code: str) -> Resource:
    """A clip or worksheet: any staff of its school, or a carer whose child's plan uses it."""
    try:
        resource = Resource.objects.exclude(kind=Resource.Kind.LINK).get(code=code)
    except Resource.DoesNotExist:
        raise Http404("No such file.") from None
    if viewer.staff is not None and viewer.staff.school_id == resource.school_id:
        return resource
    if viewer.carer_records:
        children = Pupil.objects.filter(carer_links__carer__in=viewer.carer_records, left_on__isnull=True)
        used = Activity.objects.filter(resources=resource).filter(
            Q(pupil__isnull=True, plan__school_class__pupils__in=children) | Q(pupil__in=children)
        )
        if used.exists():
            return resource
    raise Http404("No such file.")


def get_template_for_planner(viewer: Viewer, code: str) -> PlanTemplate:
    staff = viewer.staff
    if staff is None:
        raise Http404("No such template.")
    try:
        return PlanTemplate.objects.select_related("year_group").get(school=staff.school, code=code)
    except PlanTemplate.DoesNotExist:
        raise Http404("No such template.") from None


def get_plan_for_planner(viewer: Viewer, code: str) -> Plan:
    try:
        return (
            Plan.objects.filter(school_class__in=classes_planned_by(viewer))
            .select_related("school_class__year_group", "school")
            .get(code=code)
        )
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None
