"""Who sees engagement: staff only, never parents. Class staff see their own classes; whole-school roles
(head, senior leaders, DSL team, inclusion lead, office) see every class. The one place the rule lives."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator

from homelearning.engagement.models import Trust
from homelearning.journal.access import get_pupil_for_class_staff
from homelearning.people.access import classes_visible_to
from homelearning.people.models import ClassStaff, Pupil, Role, School, User
from homelearning.people.viewer import Viewer


def engagement_class_ids(viewer: Viewer) -> list[int]:
    return list(classes_visible_to(viewer).values_list("pk", flat=True))


def own_class_ids(viewer: Viewer) -> list[int]:
    """The classes whose calls the viewer makes (teacher or TA): where "ask for a call" is offered."""
    if viewer.staff is None:
        return []
    return list(ClassStaff.objects.filter(staff=viewer.staff).values_list("school_class_id", flat=True))


def can_change_settings(viewer: Viewer) -> bool:
    return viewer.has_role(Role.HEADTEACHER)


def get_pupil_for_call(viewer: Viewer, code: str) -> Pupil:
    """A child whose family the viewer may ask to call: one of their own classes (teacher or TA), or 404."""
    return get_pupil_for_class_staff(viewer, code)


@dataclass(frozen=True)
class ReportScope:
    """Schools one report may cover: a headteacher's own school, or a trust's schools (each or together)."""

    key: str
    label: str
    schools: tuple[School, ...]


def report_scopes(viewer: Viewer, user: User) -> list[ReportScope]:
    """What the termly report may cover for this person: headteachers and trust leaders only."""
    scopes: list[ReportScope] = []
    if viewer.staff is not None and viewer.is_headteacher:
        school = viewer.staff.school
        scopes.append(ReportScope(key=school.code, label=school.name, schools=(school,)))
    if user.is_authenticated and has_authenticator(user):
        for trust in Trust.objects.filter(leaders=user).prefetch_related("schools").order_by("name"):
            schools = tuple(sorted(trust.schools.all(), key=lambda s: s.name))
            if not schools:
                continue
            scopes.append(
                ReportScope(
                    key=f"trust-{trust.code}", label=f"{trust.name}: all {len(schools)} schools", schools=schools
                )
            )
            known = {s.key for s in scopes}
            scopes.extend(
                ReportScope(key=s.code, label=f"{s.name} ({trust.name})", schools=(s,))
                for s in schools
                if s.code not in known
            )
    return scopes


def has_authenticator(user: User) -> bool:
    """Trust leaders hold no staff role, so the staff MFA rule does not reach them: the report asks itself."""
    return Authenticator.objects.filter(user=user).exists()


def leads_a_trust(user: User) -> bool:
    return user.is_authenticated and Trust.objects.filter(leaders=user).exists()
