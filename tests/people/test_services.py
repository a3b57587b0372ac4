import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from homelearning.core.errors import ServiceError
from homelearning.people import services
from homelearning.people.models import PolicyVersion, Pupil, PupilCarer


def test_one_primary_carer_per_pupil(world):
    link = services.carer_link(
        pupil=world.amy,
        first_name="Paul",
        surname="Parker",
        email="paul.parker@example.com",
        relationship=PupilCarer.Relationship.FATHER,
        priority=2,
        is_primary=True,
    )
    primaries = PupilCarer.objects.filter(pupil=world.amy, is_primary=True)
    assert list(primaries) == [link]
    with pytest.raises(IntegrityError), transaction.atomic():
        PupilCarer.objects.filter(pupil=world.amy).update(is_primary=True)


def test_a_carer_is_found_again_by_email_within_the_school(world):
    services.carer_link(
        pupil=world.cara,
        first_name="P",
        surname="P",
        email="PAT.PARKER@example.com",
        relationship=PupilCarer.Relationship.OTHER,
    )
    assert world.cara.carer_links.get(carer__email="pat.parker@example.com").carer.user == world.parent


def test_only_one_policy_version_in_force(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(school=world.school)


def test_a_bad_upn_is_refused_and_nothing_is_saved(world):
    before = Pupil.objects.count()
    with pytest.raises(ServiceError, match="UPN"):
        services.pupil_create(
            school_class=world.oak,
            legal_first_name="X",
            surname="Y",
            date_of_birth=datetime.date(2020, 1, 1),
            upn="not-a-upn",
        )
    assert Pupil.objects.count() == before


def test_a_school_needs_a_staff_domain(db):
    with pytest.raises(ServiceError, match="email domain"):
        services.school_create(name="X", urn="300003", office_email="o@x.example", staff_email_domains=[" "])


def test_class_and_staff_must_belong_to_the_same_school(world):
    with pytest.raises(ServiceError):
        services.class_staff_assign(school_class=world.outsider_class, staff=world.staff(world.teacher), kind="teacher")
    with pytest.raises(ServiceError):
        services.class_create(school=world.school, year_group=world.outsider_class.year_group, name="Elm")


def test_a_tampered_form_without_its_csrf_token_changes_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.head)
    response = client.post("/policy/", {"live_max_children": "40"})
    assert response.status_code == 403
    assert PolicyVersion.objects.get(school=world.school, in_force=True).live_max_children == 15
