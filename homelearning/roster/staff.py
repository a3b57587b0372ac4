"""Staff from an MIS file: their email, names, roles and classes, compared with the staff list.

Roles and class links are only ever added by an import, never taken away: a file
cannot demote the headteacher who is importing it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from homelearning.core import clock
from homelearning.people.models import ClassStaff, Role, School, SchoolClass, Staff
from homelearning.roster.pupils import Problems, parse_date
from homelearning.roster.reading import STAFF_FIELDS

_ROLE_WORDS = {
    "headteacher": Role.HEADTEACHER,
    "head": Role.HEADTEACHER,
    "seniorleader": Role.SENIOR_LEADER,
    "deputyhead": Role.SENIOR_LEADER,
    "deputyheadteacher": Role.SENIOR_LEADER,
    "slt": Role.SENIOR_LEADER,
    "dsl": Role.DSL,
    "designatedsafeguardinglead": Role.DSL,
    "deputydsl": Role.DEPUTY_DSL,
    "inclusionlead": Role.INCLUSION_LEAD,
    "leadforinclusion": Role.INCLUSION_LEAD,
    "senco": Role.INCLUSION_LEAD,
    "teacher": Role.TEACHER,
    "classteacher": Role.TEACHER,
    "ta": Role.TEACHING_ASSISTANT,
    "teachingassistant": Role.TEACHING_ASSISTANT,
    "office": Role.OFFICE,
    "officemanager": Role.OFFICE,
    "administrator": Role.OFFICE,
}


def _k(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,/|]", text) if part.strip()]


@dataclass
class StaffPlan:
    preview: dict[str, Any]
    problems: list[dict[str, Any]]
    to_add: list[dict[str, Any]] = field(default_factory=list)
    to_change: list[tuple[Staff, dict[str, Any]]] = field(default_factory=list)
    leavers: list[Staff] = field(default_factory=list)


_STILL_HERE = {"", "no", "n", "false", "current", "active", "present", "onroll"}
_LEFT = {"left", "leaver", "yes", "y", "true", "former", "inactive", "hasleft"}


def _has_left(text: str, today: datetime.date) -> bool | None:
    """Whether a staff file's Left column marks a leaver: None when it says something we cannot read."""
    word = _k(text)
    if word in _STILL_HERE:
        return False
    if word in _LEFT:
        return True
    on = parse_date(text)
    return None if on is None else on <= today


def staff_records(
    *, headers: list[str], rows: list[list[str]], mapping: dict[str, str], problems: Problems
) -> list[dict[str, Any]]:
    for name, spec in STAFF_FIELDS.items():
        if spec.required and name not in mapping:
            problems.add(None, spec.label, f"No column is chosen for {spec.label}.")
    index = {name: headers.index(heading) for name, heading in mapping.items() if heading in headers}
    records = []
    for number, row in enumerate(rows, start=2):
        record: dict[str, Any] = {"row": number}
        for name in STAFF_FIELDS:
            position = index.get(name)
            record[name] = row[position].strip() if position is not None and position < len(row) else ""
        records.append(record)
    return records


def plan_staff(
    *,
    school: School,
    records: list[dict[str, Any]],
    problems: Problems,
    by_id: int | None = None,
    today: datetime.date | None = None,
) -> StaffPlan:
    """Compare the file with the staff list. A row marked as left ends that person's access when committed;
    the person importing cannot mark themselves, nor the school's only headteacher."""
    today = today or clock.today()
    classes = {_k(c.name): c for c in SchoolClass.objects.filter(school=school)}
    existing = {
        s.user.email: s
        for s in Staff.objects.filter(school=school).select_related("user").prefetch_related("roles", "class_links")
    }
    heads = {s.pk for s in existing.values() if s.is_active and any(r.role == Role.HEADTEACHER for r in s.roles.all())}
    leavers: list[dict[str, Any]] = []
    plan = StaffPlan(preview={}, problems=problems.items)
    adds: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    unchanged = 0
    seen: dict[str, int] = {}
    for record in records:
        row = record["row"]
        before = len(problems.items)
        email = record["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.add(row, "Email", f"{record['email']!r} is not an email address.")
        else:
            if not school.allows_staff_email(email):
                problems.add(row, "Email", f"{email} is not on the school's email domain.")
            if email in seen:
                problems.add(row, "Email", f"{email} is also on row {seen[email]}: each member of staff once.")
            seen[email] = row
        for name in ("first_name", "surname"):
            if not record[name]:
                problems.add(row, STAFF_FIELDS[name].label, f"{STAFF_FIELDS[name].label} is blank.")
            elif len(record[name]) > 100:
                problems.add(row, STAFF_FIELDS[name].label, "This is longer than 100 characters.")
        gone = _has_left(record.get("left", ""), today)
        if gone is None:
            problems.add(row, "Left", f"{record['left']!r} is not 'Left', blank or a date.")
        elif gone:
            staff = existing.get(email)
            if len(problems.items) > before:
                continue
            if staff is None or not staff.is_active:
                unchanged += 1  # not here, or already gone: nothing to do
            elif staff.user_id == by_id:
                problems.add(row, "Left", "This marks you as left. Ask another leader to import the file.")
            elif heads == {staff.pk}:
                problems.add(row, "Left", "This is the school's only headteacher. Give the role to someone else first.")
            else:
                plan.leavers.append(staff)
                leavers.append({"row": row, "name": staff.full_name, "email": email})
            continue
        roles: set[str] = set()
        for word in _split(record["roles"]):
            role = _ROLE_WORDS.get(_k(word))
            if role is None:
                problems.add(row, "Roles", f"{word!r} is not a role Home Learning knows.")
            else:
                roles.add(str(role))
        if not record["roles"]:
            problems.add(row, "Roles", "Roles is blank: give at least one role.")
        class_links: dict[int, str] = {}
        kind = ClassStaff.Kind.TEACHER if Role.TEACHER in roles else ClassStaff.Kind.TEACHING_ASSISTANT
        for class_name in _split(record["classes"]):
            school_class = classes.get(_k(class_name))
            if school_class is None:
                problems.add(row, "Classes", f"There is no class called {class_name!r}.")
            else:
                class_links[school_class.pk] = str(kind)
        if len(problems.items) > before:
            continue
        values = {
            "email": email,
            "title": record["title"][:20],
            "first_name": record["first_name"],
            "surname": record["surname"],
            "roles": sorted(roles),
            "classes": class_links,
        }
        staff = existing.get(email)
        name = f"{record['first_name']} {record['surname']}"
        if staff is None:
            plan.to_add.append(values)
            adds.append({"row": row, "name": name, "email": email, "roles": ", ".join(sorted(roles))})
            continue
        shown = []
        diff: dict[str, Any] = {}
        for attr in ("title", "first_name", "surname"):
            if values[attr] and getattr(staff, attr) != values[attr]:
                diff[attr] = values[attr]
                shown.append({"field": STAFF_FIELDS[attr].label, "old": getattr(staff, attr), "new": values[attr]})
        held = {r.role for r in staff.roles.all()}
        new_roles = sorted(roles - held)
        if new_roles:
            diff["roles"] = new_roles
            shown.append({"field": "Roles", "old": ", ".join(sorted(held)), "new": "adds " + ", ".join(new_roles)})
        linked = {link.school_class_id for link in staff.class_links.all()}
        new_links = {pk: k for pk, k in class_links.items() if pk not in linked}
        if new_links:
            diff["classes"] = new_links
            shown.append({"field": "Classes", "old": "", "new": f"adds {len(new_links)} class(es)"})
        if diff:
            plan.to_change.append((staff, diff))
            changes.append({"row": row, "name": name, "fields": shown})
        else:
            unchanged += 1
    plan.preview = {
        "counts": {
            "staff_add": len(adds),
            "staff_change": len(changes),
            "staff_unchanged": unchanged,
            "staff_leave": len(leavers),
            "problems": len(problems.items),
        },
        "adds": adds,
        "changes": changes,
        "leavers": leavers,
        "problems": problems.items,
    }
    return plan
