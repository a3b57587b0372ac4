from __future__ import annotations

from django.db.models import QuerySet

from homelearning.people.models import School
from homelearning.roster.models import ImportBatch

RECENT_IMPORTS = 20


def recent_imports(school: School) -> QuerySet[ImportBatch]:
    # The table holds the file's rows while a preview waits: never load it for a list.
    return (
        ImportBatch.objects.filter(school=school)
        .select_related("created_by", "committed_by")
        .defer("table", "preview")
        .order_by("-created_at")[:RECENT_IMPORTS]
    )
