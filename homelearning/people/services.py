"""Every write in the people app. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from homelearning.core import clock, family
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.people.models import (
    Carer,
    ClassStaff,
    PolicyVersion,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    User,
    YearGroup,
    new_code,
)
from homelearning.texts.phones import mobile_or_none

DEFAULT_YEAR_GROUPS = ("Reception", "Year 1", "Year 2")


# A login for a carer with a mobile and no email address has a reserved address here: RFC 2606's .invalid,
# which core.mail.deliverable refuses, so that nothing is ever sent to it.
PHONE_ONLY_DOMAIN = "sms.invalid"


def _user_for_phone(phone: str) -> User:
    """The login whose mobile is `phone` (E.164), made for a carer with no email address if none has it."""
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(f"phone-{new_code()}@{PHONE_ONLY_DOMAIN}", phone=phone)
    return user


def _give_phone(user: User, phone: str | None) -> None:
    """Let a carer's login sign in by text too, where no other login holds that mobile."""
    if phone and user.phone is None and not User.objects.filter(phone=phone).exists():
        User.objects.filter(pk=user.pk, phone__isnull=True).update(phone=phone)
        user.phone = phone


def _user_for_email(email: str) -> User:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def school_create(
    *,
    name: str,
    urn: str,
    office_email: str,
    staff_email_domains: Iterable[str],
    address: str = "",
    office_phone: str = "",
    website: str = "",
    year_groups: Iterable[str] = DEFAULT_YEAR_GROUPS,
    by: User | None = None,
) -> School:
    """A school with its policy figures at the policy's defaults and its year groups."""
    domains = sorted({d.strip().lower().lstrip("@") for d in staff_email_domains if d.strip()})
    if not domains:
        raise ServiceError("A school needs at least one email domain for its staff accounts.")
    school = School(
        name=name,
        urn=urn,
        office_email=office_email,
        staff_email_domains=domains,
        address=address,
        office_phone=office_phone,
        website=website,
    )
    school.full_clean()
    school.save()
    PolicyVersion.objects.create(school=school, created_by=by)
    for position, year_name in enumerate(year_groups):
        YearGroup.objects.create(school=school, name=year_name, position=position)
    audit(action="school.create", actor=by, school=school, target=school)
    return school


@transaction.atomic
def policy_version_publish(*, school: School, by: User, changes: dict[str, object]) -> PolicyVersion:
    """Put new policy figures in force. The previous version is kept, no longer in force."""
    current = PolicyVersion.objects.select_for_update().get(school=school, in_force=True)
    new = PolicyVersion.objects.get(pk=current.pk)
    new.pk = None
    new.created_by = by
    new.created_at = clock.now()
    for field, value in changes.items():
        setattr(new, field, value)
    new.full_clean(exclude=["school", "created_by"], validate_unique=False, validate_constraints=False)
    if new.review_date <= new.policy_date:
        raise ServiceError("The review date must be after the policy date.")
    retired = PolicyVersion.objects.filter(pk=current.pk, in_force=True).update(in_force=False)
    if retired != 1:
        raise ServiceError("Someone else changed the policy at the same time. Please try again.")
    new.in_force = True
    new.save()
    changed = {f: str(v) for f, v in changes.items() if getattr(current, f) != v}
    audit(action="policy.publish", actor=by, school=school, target=new, details={"changed": changed})
    return new


@transaction.atomic
def class_create(*, school: School, year_group: YearGroup, name: str, email: str = "") -> SchoolClass:
    if year_group.school_id != school.pk:
        raise ServiceError("That year group belongs to another school.")
    school_class = SchoolClass(school=school, year_group=year_group, name=name, email=email)
    school_class.full_clean()
    school_class.save()
    return school_class


@transaction.atomic
def staff_create(
    *,
    school: School,
    email: str,
    first_name: str,
    surname: str,
    roles: Iterable[str],
    title: str = "",
    password: str | None = None,
    by: User | None = None,
) -> Staff:
    """A staff account on one of the school's email domains, holding the given roles."""
    email = email.strip().lower()
    if not school.allows_staff_email(email):
        raise ServiceError(
            f"Staff sign in with a school email address ({', '.join('@' + d for d in school.staff_email_domains)})."
        )
    role_set = set(roles)
    unknown = role_set - set(Role.values)
    if unknown or not role_set:
        raise ServiceError("Choose at least one role from the list.")
    user = _user_for_email(email)
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    if Staff.objects.filter(school=school, user=user).exists():
        raise ServiceError("That person is already on the staff of this school.")
    staff = Staff.objects.create(school=school, user=user, title=title, first_name=first_name, surname=surname)
    StaffRole.objects.bulk_create(StaffRole(staff=staff, role=r) for r in sorted(role_set))
    audit(action="staff.create", actor=by, school=school, target=staff, details={"roles": sorted(role_set)})
    return staff


@transaction.atomic
def staff_roles_set(*, staff: Staff, roles: Iterable[str], by: User) -> Staff:
    """Give a member of staff exactly these roles. Taking a role away revokes their API tokens.

    A token acts with its owner's roles of the moment, but it was made for the work those roles
    allowed: when one goes, the owner makes a new token for what they do now.
    """
    from homelearning.api.models import ApiToken
    from homelearning.api.services import tokens_revoke_for

    wanted = set(roles)
    if not wanted or wanted - set(Role.values):
        raise ServiceError("Choose at least one role from the list.")
    staff = Staff.objects.select_for_update().select_related("school").get(pk=staff.pk)
    if not staff.is_active:
        raise ServiceError(f"{staff.full_name} has left the school's staff; their roles cannot change.")
    current = set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))
    removed, added = current - wanted, wanted - current
    if not removed and not added:
        raise ServiceError("Nothing to change: those are already their roles.")
    if Role.HEADTEACHER in removed and not _another_headteacher(staff):
        raise ServiceError("The school must keep a headteacher. Give the role to someone else first.")
    StaffRole.objects.filter(staff=staff, role__in=removed).delete()
    StaffRole.objects.bulk_create(StaffRole(staff=staff, role=r) for r in sorted(added))
    revoked = tokens_revoke_for(staff=staff, because=ApiToken.RevokedBecause.ROLE_REMOVED, by=by) if removed else 0
    audit(
        action="staff.roles_change",
        actor=by,
        school=staff.school,
        target=staff,
        details={"added": sorted(added), "removed": sorted(removed), "tokens_revoked": revoked},
    )
    return staff


@transaction.atomic
def staff_leave(*, staff: Staff, by: User) -> Staff:
    """A member of staff leaves: their membership stops working at once, and so do their API tokens."""
    if staff.user_id == by.pk:
        raise ServiceError("You cannot remove yourself. Ask another leader to do it.")
    if StaffRole.objects.filter(staff=staff, role=Role.HEADTEACHER).exists() and not _another_headteacher(staff):
        raise ServiceError("The school must keep a headteacher. Give the role to someone else first.")
    if not staff_access_end(staff=staff, by=by, because=LeftBecause.REMOVED):
        raise ServiceError(f"{staff.full_name} has already left the school's staff.")
    return Staff.objects.select_related("school", "user").get(pk=staff.pk)


class LeftBecause:
    """Why a member of staff's access ended (the audit entry's `because`)."""

    REMOVED = "removed"  # a leader removed them on the staff page
    IMPORT = "import"  # the staff file from the MIS marks them as left
    MIS_SYNC = "mis_sync"  # the MIS, through Wonde, no longer has them on the staff
    PROVIDER = "provider"  # their Microsoft or Google account was disabled (the provider refused it)


@transaction.atomic
def staff_access_end(*, staff: Staff, by: User | None, because: str, details: dict[str, object] | None = None) -> bool:
    """End a member of staff's access at once, whichever way they left (issue 17).

    The membership stops working, their API tokens are revoked, and every session they have signed in is
    ended at its next request (the person's session generation moves on, so a session made before no longer
    matches: people.models.User). One audit entry. False, and nothing written, if they had already left.
    """
    from homelearning.api.models import ApiToken
    from homelearning.api.services import tokens_revoke_for

    left = Staff.objects.filter(pk=staff.pk, is_active=True).update(is_active=False)
    if left != 1:
        return False
    family.news_changed(staff.school_id)  # parents' home pages show staff names (core.family)
    revoked = tokens_revoke_for(staff=staff, because=ApiToken.RevokedBecause.LEFT, by=by)
    _sessions_end(staff.user_id)
    audit(
        action="staff.leave",
        actor=by,
        school=staff.school,
        target=staff,
        details={"because": because, "tokens_revoked": revoked, "sessions_ended": True, **(details or {})},
    )
    return True


def _sessions_end(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(session_generation=F("session_generation") + 1)


@transaction.atomic
def sessions_end(
    *, user_id: int, by: User | None, school: School | None, because: str, details: dict[str, object] | None = None
) -> int:
    """Sign a person out everywhere at their next request, and revoke their API tokens (whoever holds their
    sessions may have made one). Their memberships stay. Returns how many tokens were revoked."""
    from homelearning.api.models import ApiToken
    from homelearning.api.services import tokens_revoke_for

    user = User.objects.get(pk=user_id)
    revoked = tokens_revoke_for(user=user, because=ApiToken.RevokedBecause.LEFT, by=by)
    _sessions_end(user_id)
    audit(
        action="account.sessions_end",
        actor=by,
        school=school,
        target=user,
        details={"because": because, "tokens_revoked": revoked, **(details or {})},
    )
    return revoked


def _another_headteacher(staff: Staff) -> bool:
    return (
        StaffRole.objects.filter(staff__school_id=staff.school_id, staff__is_active=True, role=Role.HEADTEACHER)
        .exclude(staff=staff)
        .exists()
    )


@transaction.atomic
def class_staff_assign(*, school_class: SchoolClass, staff: Staff, kind: str) -> ClassStaff:
    family.news_changed(school_class.school_id)  # parents' home pages show this (core.family)
    if staff.school_id != school_class.school_id:
        raise ServiceError("That member of staff works at another school.")
    link, _ = ClassStaff.objects.update_or_create(school_class=school_class, staff=staff, defaults={"kind": kind})
    return link


@transaction.atomic
def pupil_create(
    *,
    school_class: SchoolClass,
    legal_first_name: str,
    surname: str,
    date_of_birth: datetime.date,
    preferred_first_name: str = "",
    upn: str | None = None,
    send_status: str = Pupil.Send.NONE,
    has_social_worker: bool = False,
    has_device: bool = True,
    has_internet: bool = True,
    by: User | None = None,
) -> Pupil:
    pupil = Pupil(
        school=school_class.school,
        school_class=school_class,
        legal_first_name=legal_first_name,
        preferred_first_name=preferred_first_name,
        surname=surname,
        date_of_birth=date_of_birth,
        upn=upn or None,
        send_status=send_status,
        has_social_worker=has_social_worker,
        has_device=has_device,
        has_internet=has_internet,
    )
    try:
        pupil.full_clean()
    except ValidationError as exc:
        raise ServiceError("; ".join(exc.messages)) from None
    pupil.save()
    audit(action="pupil.create", actor=by, school=pupil.school, target=pupil)
    return pupil


@transaction.atomic
def carer_link(
    *,
    pupil: Pupil,
    first_name: str,
    surname: str,
    email: str,
    relationship: str,
    phone: str = "",
    title: str = "",
    parental_responsibility: bool = True,
    priority: int = 1,
    is_primary: bool = False,
    by: User | None = None,
) -> PupilCarer:
    """Link a carer (found by email within the school, else created) to a pupil.

    A carer with an email address gets a login (no password: they sign in with a
    code sent to that address).
    """
    family.news_changed(pupil.school_id)  # parents' home pages show this (core.family)
    email = email.strip().lower()
    carer = Carer.objects.filter(school=pupil.school, email=email).first() if email else None
    if carer is None:
        carer = Carer(
            school=pupil.school, first_name=first_name, surname=surname, email=email, phone=phone, title=title
        )
        try:
            carer.full_clean()
        except ValidationError as exc:
            raise ServiceError("; ".join(exc.messages)) from None
        mobile = mobile_or_none(phone) if phone else None
        if phone and mobile is None and not email:
            # A carer with no email address is reached by text: the number must be a mobile that takes one.
            raise ServiceError("Enter a UK mobile number, like 07700 900123, or an email address.")
        if email:
            carer.user = _user_for_email(email)
            _give_phone(carer.user, mobile)
        elif mobile:
            carer.user = _user_for_phone(mobile)
        if mobile:
            carer.phone = mobile
        carer.save()
    if is_primary:
        PupilCarer.objects.filter(pupil=pupil, is_primary=True).update(is_primary=False)
    link, _ = PupilCarer.objects.update_or_create(
        pupil=pupil,
        carer=carer,
        defaults={
            "relationship": relationship,
            "parental_responsibility": parental_responsibility,
            "priority": priority,
            "is_primary": is_primary,
        },
    )
    audit(action="carer.link", actor=by, school=pupil.school, target=pupil, details={"carer": carer.code})
    return link


@transaction.atomic
def carer_contact_by_set(*, carer: Carer, contact_by: str, by: User) -> Carer:
    """How the school's messages reach this carer first: email or text (then the other, then the office)."""
    if contact_by not in Carer.ContactBy.values:
        raise ServiceError("Choose email or text.")
    if contact_by == Carer.ContactBy.TEXT and mobile_or_none(carer.phone) is None:
        raise ServiceError(f"{carer.full_name} has no UK mobile number on record, so texts cannot reach them.")
    if Carer.objects.filter(pk=carer.pk).exclude(contact_by=contact_by).update(contact_by=contact_by):
        audit(
            action="carer.contact_by_set",
            actor=by,
            school=carer.school,
            target=carer,
            details={"contact_by": contact_by, "was": carer.contact_by},
        )
        carer.contact_by = contact_by
    return carer


@transaction.atomic
def carer_language_set(*, carers: Iterable[Carer], language: str, by: User, how: str) -> int:
    """Set the preferred language of these carer records (a carer's own, in every school, or one the office
    changes). `how` says who chose it, for the audit log: "carer" or "office". Returns how many changed.
    """
    from homelearning.core.languages import language_codes

    if language not in language_codes():
        raise ServiceError(gettext("Choose one of the languages listed."))
    changed = 0
    for carer in carers:
        if Carer.objects.filter(pk=carer.pk).exclude(preferred_language=language).update(preferred_language=language):
            changed += 1
            audit(
                action="carer.language_set",
                actor=by,
                school=carer.school,
                target=carer,
                details={"language": language, "was": carer.preferred_language, "by": how},
            )
            carer.preferred_language = language
            # The teacher's words for this family's coming days, where a translation provider is set up.
            from homelearning.translation.services import carer_language_changed

            carer_language_changed(carer=carer)
    return changed
