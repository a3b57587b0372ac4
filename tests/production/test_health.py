"""GET /health/: the database answers and the task queue is being worked."""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homelearning.core.tasks import send_email

pytestmark = pytest.mark.django_db


def test_healthy_when_the_database_answers_and_nothing_waits(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["queue"]["oldest_ready_seconds"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_a_job_waiting_past_the_limit_means_no_worker_is_keeping_up(client, settings):
    settings.HEALTH_QUEUE_MAX_AGE_SECONDS = 300
    send_email.enqueue(email_id=1)
    assert client.get(reverse("core:health")).status_code == 200  # just queued: fine
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["reason"] == "task queue is not being worked"
    assert response.json()["queue"]["oldest_ready_seconds"] >= 600


def test_a_retry_scheduled_for_later_is_not_counted_as_waiting(client):
    send_email.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(email_id=1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=2))
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json()["queue"]["oldest_ready_seconds"] == 0


def test_a_retry_whose_time_came_long_ago_counts_from_then(client):
    send_email.using(run_after=timezone.now() - datetime.timedelta(minutes=20)).enqueue(email_id=1)
    response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["queue"]["oldest_ready_seconds"] >= 1200


def test_database_unavailable_is_503_without_details(client):
    def refuse(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        raise OperationalError("connection to server at 10.0.0.5 refused")

    with connection.execute_wrapper(refuse):
        response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "unavailable"}


def test_health_only_answers_get(client):
    assert client.post(reverse("core:health")).status_code == 405
