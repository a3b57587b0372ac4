"""'Forgot your password?' does the same work for every address, so its timing tells nobody who has an
account (issue 25, step 5). The link goes out from the background job."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from homelearning.core.models import OutboundEmail
from homelearning.people.tasks import password_reset_send

URL = reverse("account_reset_password")


def reset_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="homelearning.people.tasks.password_reset_send"))


def request_reset(client, email: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"email": email})
    return response, [_shape(q["sql"]) for q in queries.captured_queries]


def _shape(sql: str) -> str:
    """The statement's verb and tables, without values or savepoint names."""
    verb = sql.split(" ", 1)[0]
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return verb
    return verb + " " + " ".join(sorted(set(re.findall(r'(?:FROM|INTO|UPDATE|JOIN) "?(\w+)"?', sql))))


@pytest.mark.parametrize("email", ["teacher@balfour.test", "nobody-here@balfour.test"])
def test_the_request_only_queues_a_job_and_sends_nothing(world, client, email):
    response, _ = request_reset(client, email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    [job] = reset_jobs()
    assert job.args_kwargs == {"args": [], "kwargs": {"email": email}}
    assert not OutboundEmail.objects.exists()


def test_a_known_and_an_unknown_address_run_the_same_statements(world, client):
    _, known = request_reset(client, "teacher@balfour.test")
    client.cookies.clear()
    _, unknown = request_reset(client, "nobody-here@balfour.test")
    assert known == unknown
    assert not any("account_emailaddress" in q or "people_user" in q for q in known)


def test_the_job_sends_the_link_to_a_known_address(world, settings):
    settings.SITE_URL = "https://learning.balfour.example"
    assert password_reset_send.call(email="teacher@balfour.test") == 1
    [email] = OutboundEmail.objects.all()
    assert email.to == "teacher@balfour.test"
    assert email.is_secret
    assert "https://learning.balfour.example/accounts/password/reset/key/" in email.body_text


def test_the_job_sends_nothing_to_an_unknown_or_disabled_address(world):
    assert password_reset_send.call(email="nobody-here@balfour.test") == 0
    world.teacher.is_active = False
    world.teacher.save(update_fields=["is_active"])
    assert password_reset_send.call(email="teacher@balfour.test") == 0
    assert not OutboundEmail.objects.exists()


def test_the_link_from_the_job_resets_the_password(world, client):
    password_reset_send.call(email="teacher@balfour.test")
    body = OutboundEmail.objects.get().body_text
    link = next(word for word in body.split() if "/accounts/password/reset/key/" in word)
    path = link.split("127.0.0.1:8000", 1)[-1]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0],
        {"password1": "fresh-passphrase-for-tom-3", "password2": "fresh-passphrase-for-tom-3"},
    )
    assert response.status_code == 302
    world.teacher.refresh_from_db()
    assert world.teacher.check_password("fresh-passphrase-for-tom-3")


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 300 + ".test"])
def test_a_bad_address_is_refused_and_nothing_is_queued(world, client, email):
    response = client.post(URL, {"email": email})
    assert response.status_code == 200
    assert "email" in response.content.decode().lower()
    assert not reset_jobs()
