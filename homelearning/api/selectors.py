"""Reads for API tokens and for the JSON API. Each names its joins."""

from __future__ import annotations

from django.db.models import QuerySet

from homelearning.api.models import ApiToken
from homelearning.people.models import Pupil, Staff


def tokens_for_staff(staff: Staff) -> list[ApiToken]:
    """A member of staff's own tokens, newest first, revoked ones included so the history is visible."""
    return list(ApiToken.objects.filter(staff=staff).order_by("-created_at", "-id"))


def pupils_for_api(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Pupils with their class and year group, in a stable order for paging."""
    return pupils.select_related("school_class__year_group").order_by("surname", "legal_first_name", "pk")
