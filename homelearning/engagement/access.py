"""Who sees engagement: staff only, never parents. Class staff see their own classes; whole-school roles
(head, senior leaders, DSL team, inclusion lead, office) see every class. The one place the rule lives."""

from __future__ import annotations

from homelearning.journal.access import get_pupil_for_class_staff
from homelearning.people.access import classes_visible_to
from homelearning.people.models import ClassStaff, Pupil, Role
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
