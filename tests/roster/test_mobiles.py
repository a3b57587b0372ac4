"""Mobile numbers from the MIS (issue 16): kept as E.164, and a carer with a mobile and no email address gets
a login that signs in by a code sent by text; importing the same file again changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from homelearning.people.models import Carer, User
from tests.roster.builders import committed, previewed, sample

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_carer_with_only_a_mobile_gets_a_text_login(world) -> None:  # type: ignore[no-untyped-def]
    committed(world.office, sample("pupils_sims.csv"))
    gran = Carer.objects.select_related("user").get(first_name="Gran", surname="O'Neill")
    assert gran.email == "" and gran.phone == "+447700900103"
    assert gran.user is not None and gran.user.phone == "+447700900103" and gran.user.email.endswith("@sms.invalid")
    maria = Carer.objects.select_related("user").get(email="maria.aberg@example.com")
    assert maria.phone == "+447700900101" and maria.user is not None and maria.user.phone is None  # email login
    again = previewed(world.office, sample("pupils_sims.csv")).preview["counts"]
    assert again["carers_add"] == again["carers_change"] == 0
    assert User.objects.filter(phone="+447700900103").count() == 1


def test_a_landline_is_kept_as_written_and_makes_no_login(world) -> None:  # type: ignore[no-untyped-def]
    data = sample("pupils_sims.csv").replace(b",,07700 900103", b",,020 7946 0123")
    committed(world.office, data)
    gran = Carer.objects.get(first_name="Gran", surname="O'Neill")
    assert gran.phone == "020 7946 0123" and gran.user is None  # the office's call-or-post list reaches her
