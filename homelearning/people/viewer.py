"""Who is looking: the signed-in person's staff memberships and carer records."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from homelearning.people.models import (
    LEADERSHIP_ROLES,
    MFA_ROLES,
    SAFEGUARDING_ROLES,
    WHOLE_SCHOOL_ROLES,
    Carer,
    Role,
    School,
    Staff,
    User,
)

SESSION_SCHOOL_KEY = "homelearning.school"


@dataclass
class Viewer:
    user: User | None
    memberships: list[Staff] = field(default_factory=list)
    carer_records: list[Carer] = field(default_factory=list)
    school_code: str | None = None

    @classmethod
    def for_request(cls, request: HttpRequest) -> Viewer:
        user = request.user
        if not user.is_authenticated:
            return cls(user=None)
        assert isinstance(user, User)  # noqa: S101 - AUTH_USER_MODEL
        return cls.for_user(user, school_code=request.session.get(SESSION_SCHOOL_KEY))

    @classmethod
    def for_user(cls, user: User, *, school_code: str | None = None) -> Viewer:
        memberships = list(
            Staff.objects.filter(user=user, is_active=True)
            .select_related("school__privacy_settings")
            .prefetch_related("roles")
        )
        carers = list(Carer.objects.filter(user=user).select_related("school"))
        return cls(user=user, memberships=memberships, carer_records=carers, school_code=school_code)

    @cached_property
    def staff(self) -> Staff | None:
        """The staff membership in the school the person is working in now."""
        if not self.memberships:
            return None
        for membership in self.memberships:
            if membership.school.code == self.school_code:
                return membership
        return self.memberships[0]

    @property
    def school(self) -> School | None:
        if self.staff is not None:
            return self.staff.school
        if self.carer_records:
            return self.carer_records[0].school
        return None

    @cached_property
    def roles(self) -> frozenset[str]:
        if self.staff is None:
            return frozenset()
        return frozenset(r.role for r in self.staff.roles.all())

    @property
    def is_staff(self) -> bool:
        return self.staff is not None

    @property
    def is_parent(self) -> bool:
        return bool(self.carer_records)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sees_whole_school(self) -> bool:
        return bool(self.roles & WHOLE_SCHOOL_ROLES)

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADERSHIP_ROLES)

    @property
    def is_headteacher(self) -> bool:
        return Role.HEADTEACHER in self.roles

    @property
    def is_safeguarding(self) -> bool:
        return bool(self.roles & SAFEGUARDING_ROLES)

    @property
    def is_office(self) -> bool:
        return Role.OFFICE in self.roles

    @cached_property
    def needs_mfa(self) -> bool:
        """True if any of the person's memberships holds a role its school requires two-factor sign-in for."""
        return any(r.role in mfa_roles_of(m.school) for m in self.memberships for r in m.roles.all())


def mfa_roles_of(school: School) -> frozenset[str]:
    """The roles that must use an authenticator at this school: always MFA_ROLES, and any the school adds.

    Reads the school's privacy settings row when it was loaded with the school (as Viewer does), else queries.
    """
    try:
        extra = school.privacy_settings.extra_mfa_roles
    except ObjectDoesNotExist:
        return MFA_ROLES
    return MFA_ROLES | {r for r in extra if r in Role.values}
