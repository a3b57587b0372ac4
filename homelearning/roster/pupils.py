"""Pupils and their carers from an MIS file: checking every value, and comparing with the roll.

`plan_pupils` is pure comparison: it reads the database and writes nothing. The
commit calls it again inside its transaction and applies what it returns, so
the rules are in one place and a second import of the same file finds nothing to do.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from homelearning.core import clock
from homelearning.core.languages import language_from_mis
from homelearning.people.models import Carer, Pupil, PupilCarer, School, SchoolClass, YearGroup
from homelearning.people.upn import validate_upn
from homelearning.roster.reading import PUPIL_FIELDS
from homelearning.texts.phones import mobile_or_none

PUPIL_KEYS = (
    "upn",
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "surname",
    "date_of_birth",
    "class_name",
    "year_group",
    "send_status",
)
# How a change to a carer reads in the office's preview.
CARER_FIELD_LABELS = {"preferred_language": "Language", "mis_id": "MIS id"}
CONTACT_KEYS = tuple(name for name in PUPIL_FIELDS if name.startswith("contact_"))
DETAIL_KEYS = ("legal_first_name", "surname", "date_of_birth")
NAME_MAX = 100
PREVIEW_LIST_MAX = 500

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S")
_SEND = {
    "n": Pupil.Send.NONE,
    "none": Pupil.Send.NONE,
    "nosen": Pupil.Send.NONE,
    "k": Pupil.Send.SEN_SUPPORT,
    "sensupport": Pupil.Send.SEN_SUPPORT,
    "e": Pupil.Send.EHC_PLAN,
    "ehcplan": Pupil.Send.EHC_PLAN,
    "ehcp": Pupil.Send.EHC_PLAN,
    "educationhealthandcareplan": Pupil.Send.EHC_PLAN,
}
Rel = PupilCarer.Relationship
_RELATIONSHIPS = {
    "mother": Rel.MOTHER,
    "mum": Rel.MOTHER,
    "mot": Rel.MOTHER,
    "father": Rel.FATHER,
    "dad": Rel.FATHER,
    "fat": Rel.FATHER,
    "stepparent": Rel.STEP_PARENT,
    "stepmother": Rel.STEP_PARENT,
    "stepfather": Rel.STEP_PARENT,
    "stp": Rel.STEP_PARENT,
    "grandparent": Rel.GRANDPARENT,
    "grandmother": Rel.GRANDPARENT,
    "grandfather": Rel.GRANDPARENT,
    "grn": Rel.GRANDPARENT,
    "fostercarer": Rel.FOSTER_CARER,
    "fosterparent": Rel.FOSTER_CARER,
    "fos": Rel.FOSTER_CARER,
    "otherrelative": Rel.OTHER_RELATIVE,
    "relative": Rel.OTHER_RELATIVE,
    "rel": Rel.OTHER_RELATIVE,
    "aunt": Rel.OTHER_RELATIVE,
    "uncle": Rel.OTHER_RELATIVE,
    "other": Rel.OTHER,
    "oth": Rel.OTHER,
    "carer": Rel.OTHER,
    "car": Rel.OTHER,
}
_YES = {"y", "yes", "true", "1", "t"}
_NO = {"n", "no", "false", "0", "f"}


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _name(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Problems:
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int | None, column: str, message: str) -> None:
        self.items.append({"row": row, "column": column, "message": message})


def records_from_table(
    *, headers: list[str], rows: list[list[str]], mapping: dict[str, str], problems: Problems, full: bool = True
) -> list[dict[str, Any]]:
    """One record a row, keyed by field name; row numbers as a spreadsheet shows them (headings = 1).

    A partial import may be a contacts file alone (UPN or MIS id plus contact columns),
    linking carers to pupils already on roll; every other file needs the pupils' details.
    """
    contacts_only = not full and "contact_first_name" in mapping
    for name in ("legal_first_name", "surname", "date_of_birth"):
        if name not in mapping and not contacts_only:
            problems.add(None, PUPIL_FIELDS[name].label, f"No column is chosen for {PUPIL_FIELDS[name].label}.")
    if "upn" not in mapping and "mis_id" not in mapping:
        problems.add(None, "UPN", "No column is chosen for the UPN or the MIS id: pupils need one to be matched.")
    index = {name: headers.index(heading) for name, heading in mapping.items() if heading in headers}
    records = []
    for number, row in enumerate(rows, start=2):
        record: dict[str, Any] = {"row": number}
        for name in PUPIL_FIELDS:
            position = index.get(name)
            record[name] = row[position] if position is not None and position < len(row) else ""
        records.append(record)
    return records


def group_csv_records(records: list[dict[str, Any]], problems: Problems) -> list[dict[str, Any]]:
    """Rows (one a pupil-carer link) gathered into pupils, each with their contacts in file order."""
    upn_of_mis: dict[str, str] = {}
    for record in records:
        upn, mis = record["upn"].strip().upper(), record["mis_id"].strip()
        if upn and mis:
            upn_of_mis.setdefault(mis, upn)
    pupils: dict[str, dict[str, Any]] = {}
    for record in records:
        row = record["row"]
        upn, mis = record["upn"].strip().upper(), record["mis_id"].strip()
        if not upn and not mis:
            problems.add(row, "UPN", "This row has neither a UPN nor an MIS id, so it cannot be matched to a pupil.")
            continue
        key = upn or upn_of_mis.get(mis) or f"mis:{mis}"
        pupil = pupils.get(key)
        has_details = any(record[name].strip() for name in DETAIL_KEYS)
        if pupil is None:
            pupil = {name: "" for name in PUPIL_KEYS} | {"row": row, "contacts": [], "has_details": False}
            pupil |= {"upn": upn, "mis_id": mis}
            pupils[key] = pupil
        if has_details:
            if not pupil["has_details"]:
                pupil.update({name: record[name] for name in PUPIL_KEYS} | {"row": row, "has_details": True})
                pupil["upn"] = upn
            else:
                differing = [
                    PUPIL_FIELDS[name].label
                    for name in PUPIL_KEYS
                    if record[name].strip() and squash(record[name]) != squash(pupil[name])
                ]
                if differing:
                    label = f"UPN {upn}" if upn else f"MIS id {mis}"
                    problems.add(
                        row,
                        "UPN" if upn else "MIS id",
                        f"{label} is already on row {pupil['row']} with a different "
                        f"{', '.join(differing).lower()}: a UPN belongs to one pupil only.",
                    )
        if any(record[name].strip() for name in CONTACT_KEYS):
            pupil["contacts"].append({name: record[name] for name in CONTACT_KEYS} | {"row": row})
    for pupil in pupils.values():
        if not pupil["has_details"]:
            pupil["row"] = pupil["contacts"][0]["row"] if pupil["contacts"] else pupil["row"]
    return list(pupils.values())


def parse_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _year_group_lookup(year_groups: list[YearGroup]) -> dict[str, YearGroup]:
    lookup: dict[str, YearGroup] = {}
    for yg in year_groups:
        key = squash(yg.name)
        lookup[key] = yg
        if key == "reception":
            lookup.update({"r": yg, "rec": yg, "yr": yg, "0": yg, "year0": yg, "y0": yg})
        match = re.fullmatch(r"year(\d+)", key)
        if match:
            n = match.group(1)
            lookup.update({n: yg, f"y{n}": yg, f"yr{n}": yg, f"0{n}": yg, f"nc{n}": yg})
    return lookup


@dataclass
class PupilPlan:
    preview: dict[str, Any]
    problems: list[dict[str, Any]]
    classes_to_add: dict[str, YearGroup] = field(default_factory=dict)
    pupils_to_add: list[dict[str, Any]] = field(default_factory=list)
    pupils_to_change: list[tuple[Pupil, dict[str, Any]]] = field(default_factory=list)
    leaver_ids: list[int] = field(default_factory=list)
    # (pupil key, carer key, link fields); pupil key is a Pupil id or ("new", index in pupils_to_add).
    links: list[tuple[Any, Any, dict[str, Any]]] = field(default_factory=list)
    carers_to_add: dict[Any, dict[str, Any]] = field(default_factory=dict)
    carers_to_change: list[tuple[Carer, dict[str, Any]]] = field(default_factory=list)
    links_to_change: list[tuple[PupilCarer, dict[str, Any]]] = field(default_factory=list)


class _Checker:
    """Turns a grouped pupil into clean values, adding a problem for each bad one."""

    def __init__(self, problems: Problems, today: datetime.date) -> None:
        self.problems = problems
        self.today = today

    def name(self, row: int, name: str, text: str, *, required: bool) -> str:
        value = _name(text)
        label = PUPIL_FIELDS[name].label
        if required and not value:
            self.problems.add(row, label, f"{label} is blank.")
        elif len(value) > NAME_MAX:
            self.problems.add(row, label, f"{label} is longer than {NAME_MAX} characters.")
        return value

    def dob(self, row: int, text: str) -> datetime.date | None:
        label = PUPIL_FIELDS["date_of_birth"].label
        if not text.strip():
            self.problems.add(row, label, "Date of birth is blank.")
            return None
        value = parse_date(text)
        if value is None:
            self.problems.add(row, label, f"{text!r} is not a real date (write dates as 31/01/2020 or 2020-01-31).")
            return None
        if value > self.today:
            self.problems.add(row, label, f"{text!r} is in the future.")
            return None
        if value.year < self.today.year - 25:
            self.problems.add(row, label, f"{text!r} is too long ago for a pupil's date of birth.")
            return None
        return value

    def upn(self, row: int, text: str) -> str | None:
        value = text.strip().upper()
        if not value:
            return None
        error = validate_upn(value)
        if error:
            self.problems.add(row, "UPN", error)
            return None
        return value

    def send(self, row: int, text: str) -> str | None:
        if not text.strip():
            return None
        value = _SEND.get(squash(text))
        if value is None:
            self.problems.add(row, PUPIL_FIELDS["send_status"].label, f"{text!r} is not N, K or E.")
        return value

    def contact(self, contact: dict[str, Any], order: int) -> dict[str, Any] | None:
        row = contact["row"]
        before = len(self.problems.items)
        first = self.name(row, "contact_first_name", contact["contact_first_name"], required=True)
        surname = self.name(row, "contact_surname", contact["contact_surname"], required=True)
        title = _name(contact["contact_title"])[:20]
        email = contact["contact_email"].strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.problems.add(row, PUPIL_FIELDS["contact_email"].label, f"{email!r} is not an email address.")
        phone = _name(contact["contact_phone"])
        if len(phone) > 30:
            self.problems.add(row, PUPIL_FIELDS["contact_phone"].label, "The phone number is too long.")
        raw_rel = contact["contact_relationship"]
        relationship = _RELATIONSHIPS.get(squash(raw_rel))
        if squash(raw_rel) in {"par", "parent"}:
            relationship = (
                Rel.FATHER
                if squash(title) == "mr"
                else Rel.MOTHER
                if squash(title) in {"mrs", "ms", "miss"}
                else Rel.OTHER
            )
        if relationship is None:
            if raw_rel.strip():
                self.problems.add(
                    row, PUPIL_FIELDS["contact_relationship"].label, f"{raw_rel!r} is not a relationship we know."
                )
            relationship = Rel.OTHER
        raw_pr = squash(contact["contact_parental_responsibility"])
        if raw_pr and raw_pr not in _YES | _NO:
            self.problems.add(
                row, PUPIL_FIELDS["contact_parental_responsibility"].label, "Parental responsibility is not yes or no."
            )
        raw_priority = contact["contact_priority"].strip()
        priority = order
        if raw_priority:
            if raw_priority.isdigit() and 1 <= int(raw_priority) <= 99:
                priority = int(raw_priority)
            else:
                self.problems.add(
                    row, PUPIL_FIELDS["contact_priority"].label, f"{raw_priority!r} is not a number from 1 to 99."
                )
        if len(self.problems.items) > before:
            return None
        return {
            "row": row,
            "language": language_from_mis(contact.get("contact_language", "")),
            "mis_id": contact["contact_mis_id"].strip()[:40],
            "title": title,
            "first_name": first,
            "surname": surname,
            "email": email,
            # A UK mobile as Home Learning keeps it (E.164, for texts); any other number as the MIS has it.
            "phone": mobile_or_none(phone) or phone,
            "relationship": str(relationship),
            "parental_responsibility": raw_pr not in _NO,
            "priority": priority,
        }


def _carer_key(contact: dict[str, Any]) -> tuple[str, ...]:
    if contact["email"]:
        return ("email", contact["email"])
    if contact["mis_id"]:
        return ("mis", contact["mis_id"])
    return ("name", contact["first_name"].lower(), contact["surname"].lower(), contact["phone"])


def plan_pupils(
    *,
    school: School,
    pupils: list[dict[str, Any]],
    full: bool,
    default_class_name: str = "",
    problems: Problems | None = None,
    today: datetime.date | None = None,
) -> PupilPlan:
    problems = problems or Problems()
    today = today or clock.today()
    check = _Checker(problems, today)
    classes = {squash(c.name): c for c in SchoolClass.objects.filter(school=school).select_related("year_group")}
    year_groups = _year_group_lookup(list(YearGroup.objects.filter(school=school)))
    existing = list(Pupil.objects.filter(school=school).select_related("school_class"))
    by_upn = {p.upn: p for p in existing if p.upn}
    by_mis = {p.mis_id: p for p in existing if p.mis_id}
    plan = PupilPlan(preview={}, problems=problems.items)
    seen_ids: set[int] = set()
    adds: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    unchanged = 0
    file_upns: dict[str, int] = {}
    file_mis: dict[str, int] = {}
    # Pupil keys for the carers: Pupil id, or ("new", n).
    carer_rows: list[tuple[Any, Pupil | None, str, list[dict[str, Any]]]] = []

    for pupil in pupils:
        row = pupil["row"]
        before = len(problems.items)
        upn = check.upn(row, pupil["upn"])
        if pupil["upn"].strip() and upn is None:
            continue
        mis = pupil["mis_id"].strip()[:40]
        match: Pupil | None = (by_upn.get(upn) if upn else None) or (by_mis.get(mis) if mis else None)
        for value, seen, label in ((upn, file_upns, "UPN"), (mis, file_mis, "MIS id")):
            if value:
                if value in seen:
                    problems.add(row, label, f"{label} {value} is also on row {seen[value]}: each pupil once.")
                seen[value] = row
        if not pupil.get("has_details", True):
            if match is None:
                problems.add(
                    row,
                    "UPN" if upn else "MIS id",
                    f"This carer's pupil ({upn or mis}) has no row with their name and date of birth in this file, "
                    "and is not on roll.",
                )
                continue
            seen_ids.add(match.pk)
            carer_rows.append((match.pk, match, match.full_name, pupil["contacts"]))
            continue
        legal = check.name(row, "legal_first_name", pupil["legal_first_name"], required=True)
        preferred = check.name(row, "preferred_first_name", pupil["preferred_first_name"], required=False)
        if preferred == legal:
            preferred = ""
        surname = check.name(row, "surname", pupil["surname"], required=True)
        dob = check.dob(row, pupil["date_of_birth"])
        send = check.send(row, pupil["send_status"])
        class_text = _name(pupil["class_name"]) or (default_class_name if match is None else "")
        school_class: SchoolClass | None = None
        class_key = squash(class_text)
        if class_text:
            school_class = classes.get(class_key)
            if school_class is None and class_key not in plan.classes_to_add:
                year_group = year_groups.get(squash(pupil["year_group"]))
                if year_group is None:
                    problems.add(
                        row,
                        PUPIL_FIELDS["class_name"].label,
                        f"There is no class called {class_text!r}, and no year group on this row to create it in.",
                    )
                elif len(class_text) > 60:
                    problems.add(row, PUPIL_FIELDS["class_name"].label, "The class name is longer than 60 characters.")
                else:
                    plan.classes_to_add[class_key] = year_group
        elif match is None:
            problems.add(
                row, PUPIL_FIELDS["class_name"].label, "The class is blank, so this new pupil has no class to join."
            )
        if len(problems.items) > before:
            continue  # a row with a problem is listed there, not as an add or a change
        if match is not None and upn and match.upn and match.upn != upn:
            problems.add(row, "UPN", f"MIS id {mis} belongs to a pupil with UPN {match.upn}, not {upn}.")
            continue
        if match is not None and mis and match.mis_id != mis:
            other = by_mis.get(mis)
            if other is not None and other.pk != match.pk:
                problems.add(row, "MIS id", f"MIS id {mis} already belongs to another pupil on roll.")
                continue
        values: dict[str, Any] = {
            "legal_first_name": legal,
            "preferred_first_name": preferred,
            "surname": surname,
            "date_of_birth": dob,
        }
        if upn:
            values["upn"] = upn
        if mis:
            values["mis_id"] = mis
        if send:
            values["send_status"] = send
        label = f"{preferred or legal} {surname}"
        if match is None:
            values["class_key"] = class_key
            plan.pupils_to_add.append(values)
            key: Any = ("new", len(plan.pupils_to_add) - 1)
            adds.append({"row": row, "name": label, "class": class_text, "upn": upn or ""})
            carer_rows.append((key, None, label, pupil["contacts"]))
            continue
        if match.pk in seen_ids:
            problems.add(row, "UPN" if upn else "MIS id", f"{label} is in this file twice.")
            continue
        seen_ids.add(match.pk)
        if school_class is not None:
            values["school_class"] = school_class
        elif class_key in plan.classes_to_add:
            values["class_key"] = class_key
        diff: dict[str, Any] = {}
        shown: list[dict[str, str]] = []
        for name, value in values.items():
            if name == "class_key":
                diff[name] = value
                shown.append({"field": "Class", "old": match.school_class.name, "new": class_text})
                continue
            old = getattr(match, name)
            if old != value:
                diff[name] = value
                label_name = "Class" if name == "school_class" else PUPIL_FIELDS[name].label
                shown.append({"field": label_name, "old": str(old or ""), "new": str(value)})
        if match.left_on is not None:
            diff["left_on"] = None
            shown.append({"field": "Left on", "old": match.left_on.isoformat(), "new": "back on roll"})
        if diff:
            plan.pupils_to_change.append((match, diff))
            changes.append({"row": row, "name": label, "fields": shown})
        else:
            unchanged += 1
        carer_rows.append((match.pk, match, label, pupil["contacts"]))

    leavers: list[dict[str, str]] = []
    if full:
        for p in existing:
            if p.pk not in seen_ids and p.left_on is None:
                plan.leaver_ids.append(p.pk)
                leavers.append({"name": p.full_name, "class": p.school_class.name, "upn": p.upn or ""})

    carer_adds, carer_changes, link_counts = _plan_carers(school=school, plan=plan, carer_rows=carer_rows, check=check)
    plan.preview = {
        "counts": {
            "pupils_add": len(adds),
            "pupils_change": len(changes),
            "pupils_unchanged": unchanged,
            "pupils_leave": len(leavers),
            "classes_add": len(plan.classes_to_add),
            "carers_add": len(carer_adds),
            "carers_change": len(carer_changes),
            "links_add": link_counts[0],
            "links_change": link_counts[1],
            "problems": len(problems.items),
        },
        "adds": adds[:PREVIEW_LIST_MAX],
        "changes": changes[:PREVIEW_LIST_MAX],
        "leavers": leavers[:PREVIEW_LIST_MAX],
        "classes_add": [{"name": name, "year_group": yg.name} for name, yg in plan.classes_to_add.items()],
        "carer_adds": carer_adds[:PREVIEW_LIST_MAX],
        "carer_changes": carer_changes[:PREVIEW_LIST_MAX],
        "problems": problems.items,
    }
    # Preview names the new classes as the file spells them.
    names = {squash(p["class"]): p["class"] for p in adds}
    for entry in plan.preview["classes_add"]:
        entry["name"] = names.get(entry["name"], entry["name"])
    plan.classes_to_add = {names.get(k, k): yg for k, yg in plan.classes_to_add.items()}
    return plan


def _plan_carers(
    *,
    school: School,
    plan: PupilPlan,
    carer_rows: list[tuple[Any, Pupil | None, str, list[dict[str, Any]]]],
    check: _Checker,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[int, int]]:
    carers = list(Carer.objects.filter(school=school))
    by_email = {c.email: c for c in carers if c.email}
    by_mis = {c.mis_id: c for c in carers if c.mis_id}
    by_id = {c.pk: c for c in carers}
    pupil_ids = [key for key, _, _, _ in carer_rows if isinstance(key, int)]
    links_by_pupil: dict[int, dict[int, PupilCarer]] = {}
    for link in PupilCarer.objects.filter(pupil_id__in=pupil_ids):
        links_by_pupil.setdefault(link.pupil_id, {})[link.carer_id] = link
    adds: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    changed_carers: set[int] = set()
    links_added = links_changed = 0
    # Who each email address belongs to in this file: one address, one person (the database agrees).
    email_owner: dict[str, tuple[str, int]] = {}
    for pupil_key, _pupil, pupil_label, raw_contacts in carer_rows:
        contacts = [c for order, raw in enumerate(raw_contacts, start=1) if (c := check.contact(raw, order))]
        if not contacts:
            continue
        primary = min(contacts, key=lambda c: (c["priority"], c["row"]))
        existing_links = links_by_pupil.get(pupil_key, {}) if isinstance(pupil_key, int) else {}
        linked_in_file: set[Any] = set()
        for contact in contacts:
            carer: Carer | None = None
            if contact["email"]:
                name = f"{contact['first_name']} {contact['surname']}"
                owner = email_owner.setdefault(contact["email"], (name, contact["row"]))
                if squash(owner[0]) != squash(name):
                    check.problems.add(
                        contact["row"],
                        PUPIL_FIELDS["contact_email"].label,
                        f"{contact['email']} is also the address of {owner[0]} on row {owner[1]}: each parent or "
                        "carer needs their own email address (leave it blank for one of them).",
                    )
                    continue
                carer = by_email.get(contact["email"])
            if carer is None and contact["mis_id"]:
                carer = by_mis.get(contact["mis_id"])
            if carer is None:
                for carer_id in existing_links:
                    candidate = by_id[carer_id]
                    if (candidate.first_name.lower(), candidate.surname.lower()) == (
                        contact["first_name"].lower(),
                        contact["surname"].lower(),
                    ) and (not contact["email"] or not candidate.email):
                        carer = candidate
                        break
            carer_key: Any
            if carer is None:
                carer_key = _carer_key(contact)
                if carer_key not in plan.carers_to_add:
                    plan.carers_to_add[carer_key] = contact
                    adds.append(
                        {
                            "row": contact["row"],
                            "name": f"{contact['first_name']} {contact['surname']}",
                            "pupil": pupil_label,
                            "email": contact["email"],
                        }
                    )
            else:
                carer_key = carer.pk
                diff = {
                    name: contact[name]
                    for name in ("title", "first_name", "surname", "phone", "mis_id", "email")
                    if contact[name] and getattr(carer, name) != contact[name]
                }
                # The MIS's home language fills a carer's language only where none is chosen: never over the
                # carer's own choice, or the office's.
                if contact["language"] and not carer.preferred_language:
                    diff["preferred_language"] = contact["language"]
                if diff.get("email") and diff["email"] in by_email:
                    check.problems.add(
                        contact["row"],
                        PUPIL_FIELDS["contact_email"].label,
                        f"{diff['email']} belongs to another parent or carer already.",
                    )
                    continue
                if diff and carer.pk not in changed_carers:
                    changed_carers.add(carer.pk)
                    plan.carers_to_change.append((carer, diff))
                    changes.append(
                        {
                            "row": contact["row"],
                            "name": carer.full_name,
                            "fields": [
                                {"field": CARER_FIELD_LABELS.get(k, k), "old": str(getattr(carer, k)), "new": v}
                                for k, v in diff.items()
                            ],
                        }
                    )
            if carer_key in linked_in_file:
                check.problems.add(
                    contact["row"],
                    PUPIL_FIELDS["contact_first_name"].label,
                    "This carer is listed twice for the pupil.",
                )
                continue
            linked_in_file.add(carer_key)
            link_values = {
                "relationship": contact["relationship"],
                "parental_responsibility": contact["parental_responsibility"],
                "priority": contact["priority"],
                "is_primary": contact is primary,
            }
            existing_link = existing_links.get(carer_key) if isinstance(carer_key, int) else None
            if existing_link is None:
                plan.links.append((pupil_key, carer_key, link_values))
                links_added += 1
            else:
                diff = {k: v for k, v in link_values.items() if getattr(existing_link, k) != v}
                if diff:
                    plan.links_to_change.append((existing_link, diff))
                    links_changed += 1
    return adds, changes, (links_added, links_changed)
