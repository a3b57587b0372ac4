from __future__ import annotations

from django.db.models import QuerySet

from homelearning.people.models import School
from homelearning.texts.models import CallOrPost, OutboundText


def office_list(school: School) -> QuerySet[CallOrPost]:
    """What the office still has to ring or post, oldest first."""
    return CallOrPost.objects.filter(school=school, done="").select_related("carer").order_by("created_at", "pk")


def office_list_history(school: School) -> QuerySet[CallOrPost]:
    return CallOrPost.objects.filter(school=school).exclude(done="").select_related("carer", "done_by")


def recent_texts(school: School) -> QuerySet[OutboundText]:
    return OutboundText.objects.filter(school=school).select_related("carer").order_by("-created_at", "-id")
