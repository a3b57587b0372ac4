"""Reads for the privacy pages."""

from __future__ import annotations

from django.db.models import QuerySet

from homelearning.people.models import Carer, Pupil, School
from homelearning.privacy.models import RetentionRun, SubjectAccessRequest


def requests_for(school: School) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(school=school).select_related("created_by").order_by("status", "due_on")


def subject_choices(school: School) -> list[tuple[str, list[tuple[str, str]]]]:
    pupils = [
        (f"pupil:{p.code}", f"{p.surname}, {p.first_name} ({'left' if p.left_on else p.school_class.name})")
        for p in Pupil.objects.filter(school=school)
        .select_related("school_class")
        .order_by("surname", "legal_first_name")
    ]
    carers = [
        (f"carer:{c.code}", f"{c.surname}, {c.first_name}{f' ({c.email})' if c.email else ''}")
        for c in Carer.objects.filter(school=school).order_by("surname", "first_name")
    ]
    return [("Pupils", pupils), ("Parents and carers", carers)]


def recent_runs(school: School) -> list[RetentionRun]:
    return list(RetentionRun.objects.filter(school=school).select_related("started_by")[:10])
