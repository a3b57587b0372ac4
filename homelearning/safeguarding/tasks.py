"""Safeguarding background work: the DSL team's morning email of overdue contacts."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from homelearning.core import clock
from homelearning.people.models import School
from homelearning.safeguarding import selectors
from homelearning.safeguarding.services import dsl_team_notify, site_url


@task()
def overdue_contacts_digest() -> int:
    """Email each school's DSL team the vulnerable pupils whose weekly contact is overdue. Run daily.

    Names are fine to the DSL team; concern details never go in an email.
    """
    today = clock.today()
    sent = 0
    for school in School.objects.order_by("pk"):
        overview = selectors.contacts_overview(school, today=today)
        overdue = overview.overdue
        if not overdue:
            continue
        lines = [
            f"- {row.pupil.full_name} ({row.pupil.school_class.name}): "
            f"{'DSL team' if row.by == 'dsl' else 'class teacher'} contact was due by {row.due_on:%a %d %b}"
            for row in overdue
        ]
        body = (
            f"{len(overdue)} weekly contact{'s are' if len(overdue) != 1 else ' is'} overdue "
            f"for vulnerable pupils learning at home:\n\n" + "\n".join(lines) + "\n\n"
            f"Log them in Home Learning: {site_url(reverse('safeguarding:dashboard'))}\n"
        )
        sent += dsl_team_notify(
            school=school,
            subject=f"Overdue safeguarding contacts: {len(overdue)}",
            body_text=body,
            kind="safeguarding.overdue_contacts",
        )
    return sent
