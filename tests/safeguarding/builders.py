"""Safeguarding records in named states, for the tests."""

from __future__ import annotations

import datetime
import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.test import Client
from django.utils import timezone

from homelearning.people.models import Pupil, Role, Staff, User
from homelearning.people.services import staff_create
from homelearning.safeguarding import services
from homelearning.safeguarding.models import (
    Concern,
    ConcernCategory,
    Contact,
    FilterAlert,
    VulnerabilityReason,
    VulnerablePupil,
)
from tests.personas import PASSWORD, World
from tests.reference_data import restore_reference_data


def category(slug: str = "neglect") -> ConcernCategory:
    return ConcernCategory.objects.get(slug=slug)


def reason(slug: str = "cp-plan") -> VulnerabilityReason:
    return VulnerabilityReason.objects.get(slug=slug)


def raised_concern(
    world: World, *, by: User | None = None, pupils: list[Pupil] | None = None, **extra: object
) -> Concern:
    by = by or world.teacher
    staff = Staff.objects.get(user=by)
    return services.raise_concern(
        school=world.school,
        by=by,
        by_label=staff.full_name,
        pupils=pupils or [world.amy],
        category=category(),
        seen_or_heard="Amy said there was no food at home all weekend.",
        happened_at=timezone.now() - datetime.timedelta(hours=1),
        action_taken="Gave Amy breakfast.",
        **extra,  # type: ignore[arg-type]
    )


def acknowledged_concern(world: World, **extra: object) -> Concern:
    return services.concern_acknowledge(concern=raised_concern(world, **extra), by=world.dsl)


def vulnerable(
    world: World, pupil: Pupil, *, since: datetime.date | None = None, why: str = "cp-plan"
) -> VulnerablePupil:
    return services.vulnerable_add(
        school=pupil.school,
        pupil=pupil,
        reason=reason(why),
        started_on=since or timezone.localdate() - datetime.timedelta(days=30),
        by=world.dsl,
    )


def contact(world: World, pupil: Pupil, *, by: User, kind: str, at: datetime.datetime | None = None) -> Contact:
    return services.contact_log(
        pupil=pupil,
        by=Staff.objects.get(user=by),
        contact_for=kind,
        contacted_at=at or timezone.now() - datetime.timedelta(hours=2),
        method=Contact.Method.PHONE,
        spoke_to_child=True,
        outcome="All well; food bank voucher given.",
    )


def new_alert(world: World, **extra: object) -> FilterAlert:
    return services.alert_log(
        school=world.school,
        by=world.dsl,
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        device_user="amy.p",
        category="Self-harm search",
        device="Laptop 7",
        pupil=world.amy,
        **extra,  # type: ignore[arg-type]
    )


def head_only(world: World) -> User:
    """A headteacher who is not also the DSL (world.head holds both roles)."""
    return staff_create(
        school=world.school,
        email="acting.head@balfour.test",
        first_name="Alex",
        surname="Acting",
        roles=[Role.HEADTEACHER],
        password=PASSWORD,
    ).user


def confirm_mfa(client: Client, user: User, *, seconds_ago: float = 0) -> None:
    """As if the person had just entered their authenticator code (allauth's session record)."""
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time() - seconds_ago, "type": "totp", "reauthenticated": True}
    ]
    session.save()


def seed_reference_data() -> None:
    """Concern categories and vulnerability reasons (a data migration's rows), after a transactional test's flush."""
    restore_reference_data()


def second_pupil_named(world: World, first: str, surname: str) -> Pupil:
    """Another child with the same name, in the other class (names are not unique in a school)."""
    from homelearning.people.services import pupil_create

    return pupil_create(
        school_class=world.ash,
        legal_first_name=first,
        surname=surname,
        date_of_birth=datetime.date(2019, 5, 5),
    )


def ended_live_session_with_risk(world: World, *, pupils: list[Pupil], reason: str = "A stranger spoke in the room."):
    """A live session of Oak that its host ended because of a risk (the live app's own service does the ending)."""
    from homelearning.live import services as live_services
    from homelearning.live.models import Invitation, LiveSession

    session = LiveSession.objects.create(
        school=world.school,
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title="Story time",
        starts_at=timezone.now() - datetime.timedelta(minutes=20),
        minutes=30,
        host=world.staff(world.teacher),
        monitor=world.staff(world.ta),
    )
    for pupil in pupils:
        Invitation.objects.create(session=session, pupil=pupil, status=Invitation.Status.ADMITTED)
    return live_services.session_end(session=session, by=world.staff(world.teacher), risk_reason=reason)
