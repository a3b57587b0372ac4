"""Background tasks for the provision app."""

from __future__ import annotations

from django_tasks import task

from homelearning.provision.models import Closure


@task()
def closure_notify(*, closure_id: int) -> int:
    """Email the primary carers of every pupil a closure affects."""
    from homelearning.provision.services import closure_notify_carers

    closure = Closure.objects.select_related("school").filter(pk=closure_id).first()
    if closure is None:
        return 0
    return closure_notify_carers(closure=closure)


@task()
def illness_alerts() -> int:
    """Daily: tell each school's headteacher about pupils who reached the illness threshold (once per pupil)."""
    from homelearning.provision.services import illness_alerts_send

    return illness_alerts_send()
