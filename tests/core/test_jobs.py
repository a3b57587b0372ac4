"""enqueue_many writes the rows the database backend's own enqueue writes, in one INSERT."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from homelearning.core.jobs import enqueue_many
from homelearning.core.mail import Outgoing, email_queue_many
from homelearning.core.models import OutboundEmail
from homelearning.core.tasks import send_email

COMPARED = ("task_path", "priority", "queue_name", "backend_name", "status", "args_kwargs")


def test_the_rows_match_the_backends_own_enqueue(db) -> None:  # type: ignore[no-untyped-def]
    later = timezone.now() + datetime.timedelta(hours=1)
    one = send_email.enqueue(email_id=1).db_result
    timed = send_email.using(run_after=later).enqueue(email_id=2).db_result
    with CaptureQueriesContext(connection) as captured:
        assert enqueue_many(send_email, [({"email_id": 1}, None), ({"email_id": 2}, later)]) == 2
    assert len([q for q in captured if q["sql"].startswith("INSERT")]) == 1
    bulk_timed, bulk_one = DBTaskResult.objects.exclude(pk__in=[one.pk, timed.pk]).order_by("run_after")
    for theirs, ours in ((one, bulk_one), (timed, bulk_timed)):
        theirs.refresh_from_db()
        assert {f: getattr(ours, f) for f in COMPARED} == {f: getattr(theirs, f) for f in COMPARED}
        assert ours.run_after == theirs.run_after
    assert enqueue_many(send_email, []) == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when done
def test_bulk_emails_get_one_job_a_batch_and_are_all_sent(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BATCH_SIZE = 4
    stored = email_queue_many(
        [
            Outgoing(to=f"carer{i}@example.com", subject="Snow", body_text="Closed today.", kind="test")
            for i in range(10)
        ]
    )
    assert len(stored) == 10
    jobs = DBTaskResult.objects.filter(task_path="homelearning.core.tasks.send_email")
    assert jobs.count() == 3  # 10 emails in batches of 4
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    assert not jobs.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    from django.core import mail

    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"carer{i}@example.com" for i in range(10))
