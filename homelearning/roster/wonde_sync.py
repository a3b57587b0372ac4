"""Keeping the roster and the register in step with the MIS through Wonde (issue 17).

A sync reads the school's students (with their contacts, registration group, year, UPN, SEN status and home
language) and employees from Wonde, turns them into the same records a CTF or CSV import makes, and stores them
as import batches: the same preview, the same validations (UPN check letters and all), the same all-or-nothing
commit. "Sync now" stops at the preview for the office to read; the nightly sync commits a batch that has no
problems and leaves one that has for the office. Remote-education register marks are then written back through
Wonde's session attendance write-back where the school allows it; a rejected mark is shown and tried again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.people.models import School, Staff, User
from homelearning.provision.models import RegisterMark
from homelearning.roster import services
from homelearning.roster.models import ImportBatch, ImportKind, MarkWriteBack, WondeSettings
from homelearning.roster.wonde import Wonde, WondeError

WRITE_BACK_DAYS = 60  # marks older than this are the office's to reconcile by hand
WRITE_BACK_CHUNK = 500
COMMENT = "Remote education (Home Learning)"


def client() -> Wonde:
    if not settings.WONDE_TOKEN:
        raise ServiceError("This server has no Wonde token (WONDE_TOKEN); see docs/import.md.")
    return Wonde(base_url=settings.WONDE_API_URL, token=settings.WONDE_TOKEN)


def settings_for(school: School) -> WondeSettings:
    found = WondeSettings.objects.filter(school=school).first()
    if found is None or not found.wonde_school_id:
        raise ServiceError("Set the school's Wonde ID first.")
    return found


# --- Wonde's JSON as import records -------------------------------------------------------------------------


def _data(record: dict[str, Any], name: str) -> Any:
    value = record.get(name) or {}
    return value.get("data", value) if isinstance(value, dict) else value


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("description") or value.get("name") or value.get("code") or ""
    return "" if value is None else str(value).strip()


def _date(value: Any) -> str:
    """Wonde's dates are {"date": "2020-03-04 00:00:00.000000", ...}; the import reads 2020-03-04."""
    text = value.get("date", "") if isinstance(value, dict) else str(value or "")
    return text[:10]


def _registration_group(student: dict[str, Any]) -> str:
    registration = _data(student, "registration")
    if isinstance(registration, dict) and registration.get("name"):
        return _text(registration["name"])
    for group in _data(student, "groups") or []:
        if str(group.get("type", "")).upper() == "REGISTRATION":
            return _text(group.get("name"))
    return ""


def pupil_records(students: list[dict[str, Any]]) -> list[dict[str, Any]]:
    records = []
    for number, student in enumerate(students, start=1):
        education = _data(student, "education_details") or {}
        extended = _data(student, "extended_details") or {}
        language = _text(extended.get("first_language") or extended.get("home_language"))
        legal = _text(student.get("legal_forename")) or _text(student.get("forename"))
        preferred = _text(student.get("forename"))
        record: dict[str, Any] = {
            "row": number,
            "upn": _text(education.get("upn")),
            "mis_id": _text(student.get("mis_id")),
            "legal_first_name": legal,
            "preferred_first_name": "" if preferred == legal else preferred,
            "surname": _text(student.get("legal_surname")) or _text(student.get("surname")),
            "date_of_birth": _date(student.get("date_of_birth")),
            "class_name": _registration_group(student),
            "year_group": _text(_data(student, "year").get("name") if _data(student, "year") else ""),
            "send_status": _text(extended.get("sen_status")),
            "contacts": [],
        }
        for contact in _data(student, "contacts") or []:
            relation = contact.get("relationship") or {}
            details = _data(contact, "contact_details") or {}
            emails, phones = details.get("emails") or {}, details.get("phones") or {}
            record["contacts"].append(
                {
                    "row": number,
                    "contact_mis_id": _text(contact.get("mis_id")),
                    "contact_title": _text(contact.get("title")),
                    "contact_first_name": _text(contact.get("forename")),
                    "contact_surname": _text(contact.get("surname")),
                    "contact_relationship": _text(relation.get("relationship")),
                    "contact_parental_responsibility": "Yes" if relation.get("parental_responsibility") else "No",
                    "contact_priority": _text(relation.get("priority")),
                    "contact_email": _text(emails.get("primary") or emails.get("email") or emails.get("home")),
                    "contact_phone": _text(phones.get("mobile") or phones.get("primary") or phones.get("home")),
                    "contact_language": language,
                }
            )
        records.append(record)
    return records


def staff_records(
    employees: list[dict[str, Any]], *, school: School, today: datetime.date
) -> tuple[list[dict[str, Any]], int]:
    """Employees as staff-file records. People already on the staff keep their roles (an import only adds);
    someone new comes in only with a role Home Learning knows (Wonde's roles, else they are left for the office).
    Returns the records and how many new employees were left out."""
    from homelearning.roster.staff import _ROLE_WORDS, _k

    held = {
        s.user.email: sorted(r.role for r in s.roles.all())
        for s in Staff.objects.filter(school=school).select_related("user").prefetch_related("roles")
    }
    records, skipped = [], 0
    for number, employee in enumerate(employees, start=1):
        details = _data(employee, "contact_details") or {}
        emails = details.get("emails") or {}
        email = _text(emails.get("work") or emails.get("email") or emails.get("primary")).lower()
        employment = _data(employee, "employment_details") or {}
        ended = _date(employment.get("employment_end_date"))
        left = employment.get("current") is False or bool(ended and ended <= today.isoformat())
        roles = held.get(email)
        if roles is None:
            known = [
                _text(r.get("role")) for r in _data(employee, "roles") or [] if _k(_text(r.get("role"))) in _ROLE_WORDS
            ]
            if not known or left or not email:
                skipped += 1
                continue
            roles = known
        records.append(
            {
                "row": number,
                "email": email,
                "title": _text(employee.get("title")),
                "first_name": _text(employee.get("forename")),
                "surname": _text(employee.get("surname")),
                "roles": "; ".join(str(r) for r in roles),
                "classes": "",
                "left": "Left" if left else "",
            }
        )
    return records, skipped


# --- The sync ---------------------------------------------------------------------------------------------------


def sync_preview(*, school: School, by: User | None, api: Wonde | None = None) -> list[ImportBatch]:
    """Read the school from Wonde and store its pupils and staff as two previewed import batches."""
    link = settings_for(school)
    api = api or client()
    try:
        students = api.students(link.wonde_school_id)
        employees = api.employees(link.wonde_school_id)
    except WondeError as exc:
        _remember(link, {"error": str(exc)})
        raise ServiceError(f"{exc} Nothing was changed.") from None
    if not students:
        _remember(link, {"error": "no pupils"})
        raise ServiceError(
            "Wonde returned no pupils for this school, so nothing was changed. Check the Wonde ID, and that the "
            "school has approved Home Learning in Wonde."
        )
    staff, skipped = staff_records(employees, school=school, today=clock.today())
    stamp = clock.now().strftime("%d %b %Y %H:%M")
    with transaction.atomic():
        batches = [
            services.import_records(
                school=school,
                by=by,
                kind=ImportKind.PUPILS,
                records=pupil_records(students),
                name=f"Wonde: pupils, {stamp}",
                source=ImportBatch.Source.WONDE,
            ),
            services.import_records(
                school=school,
                by=by,
                kind=ImportKind.STAFF,
                records=staff,
                name=f"Wonde: staff, {stamp}",
                source=ImportBatch.Source.WONDE,
            ),
        ]
        _remember(
            link,
            {
                "pupils": len(students),
                "employees": len(employees),
                "employees_left_out": skipped,
                "requests": api.requests_made,
                "batches": [b.code for b in batches],
            },
        )
    return batches


def _remember(link: WondeSettings, result: dict[str, Any]) -> None:
    WondeSettings.objects.filter(pk=link.pk).update(last_sync_at=clock.now(), last_result=result)


def sync_nightly(*, school: School, api: Wonde | None = None) -> dict[str, Any]:
    """The nightly sync: preview, then commit each batch that has no problems (each all or nothing); a batch
    with problems waits for the office. Then the register marks go back to the MIS."""
    api = api or client()
    outcome: dict[str, Any] = {}
    for batch in sync_preview(school=school, by=None, api=api):
        if batch.can_commit:
            try:
                done = services.import_commit(batch=batch, by=None)
            except ServiceError as exc:
                outcome[batch.kind] = {"error": str(exc)}
            else:
                outcome[batch.kind] = done.preview.get("applied", {})
        else:
            outcome[batch.kind] = {"waiting_for_the_office": len(batch.problems)}
    outcome["write_back"] = marks_write_back(school=school, api=api)
    return outcome


# --- Writing the register back ------------------------------------------------------------------------------


def marks_due(school: School) -> list[RegisterMark]:
    since = clock.today() - datetime.timedelta(days=WRITE_BACK_DAYS)
    return list(
        RegisterMark.objects.filter(school=school, date__gte=since, date__lte=clock.today())
        .exclude(write_back__status=MarkWriteBack.Status.SENT)
        .select_related("pupil", "absence_code")
        .order_by("date", "session", "pupil_id")
    )


def marks_write_back(*, school: School, api: Wonde | None = None) -> dict[str, int | str]:
    """Send the remote-education marks not yet in the MIS. Each mark is recorded as sent or rejected (with
    Wonde's reason, shown to the office); a rejected or unsent mark is sent again next time."""
    link = settings_for(school)
    if not link.write_back:
        return {"mode": "csv"}
    api = api or client()
    marks = marks_due(school)
    if not marks:
        return {"sent": 0, "rejected": 0}
    try:
        students = {s.get("mis_id"): s["id"] for s in api.students(link.wonde_school_id) if s.get("mis_id")}
        codes = api.attendance_codes()
    except WondeError as exc:
        _record(marks, MarkWriteBack.Status.PENDING, str(exc))
        return {"sent": 0, "rejected": 0, "unsent": len(marks)}
    ready: list[tuple[RegisterMark, dict[str, str]]] = []
    refused: list[tuple[RegisterMark, str]] = []
    for mark in marks:
        student = students.get(mark.pupil.mis_id or "")
        code = codes.get(str(mark.absence_code_id).upper())
        if student is None:
            refused.append((mark, "This pupil is not in Wonde (no matching MIS id)."))
        elif code is None:
            refused.append((mark, f"Wonde has no attendance code {mark.absence_code_id}."))
        else:
            ready.append(
                (
                    mark,
                    {
                        "date": mark.date.isoformat(),
                        "session": mark.session,
                        "student_id": str(student),
                        "attendance_code_id": code,
                        "comment": COMMENT,
                    },
                )
            )
    sent = 0
    for start in range(0, len(ready), WRITE_BACK_CHUNK):
        chunk = ready[start : start + WRITE_BACK_CHUNK]
        try:
            answer = api.write_attendance(link.wonde_school_id, [record for _, record in chunk])
        except WondeError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                errors = _errors_by_index(exc.body)
                if errors:
                    refused += [(m, errors[i]) for i, (m, _) in enumerate(chunk) if i in errors]
                    good = [m for i, (m, _) in enumerate(chunk) if i not in errors]
                    _record(good, MarkWriteBack.Status.SENT, "")
                    sent += len(good)
                else:
                    refused += [(m, str(exc)[:300]) for m, _ in chunk]
            else:
                _record([m for m, _ in chunk], MarkWriteBack.Status.PENDING, str(exc))
            continue
        errors = _errors_by_index(answer)
        refused += [(m, errors[i]) for i, (m, _) in enumerate(chunk) if i in errors]
        good = [m for i, (m, _) in enumerate(chunk) if i not in errors]
        _record(good, MarkWriteBack.Status.SENT, "")
        sent += len(good)
    for mark, why in refused:
        _record([mark], MarkWriteBack.Status.REJECTED, why)
    audit(
        action="roster.write_back",
        actor=None,
        school=school,
        details={"sent": sent, "rejected": len(refused), "marks": len(marks)},
    )
    return {"sent": sent, "rejected": len(refused)}


def _errors_by_index(body: Any) -> dict[int, str]:
    """Wonde's per-record errors, where it gives them: {"errors": [{"index": 3, "message": "..."}]}."""
    found: dict[int, str] = {}
    for error in (body or {}).get("errors") or [] if isinstance(body, dict) else []:
        if isinstance(error, dict) and isinstance(error.get("index"), int):
            found[error["index"]] = str(error.get("message") or "rejected")[:300]
    return found


@transaction.atomic
def _record(marks: list[RegisterMark], status: str, error: str) -> None:
    if not marks:
        return
    now = clock.now()
    existing = {w.mark_id: w for w in MarkWriteBack.objects.filter(mark__in=marks).select_for_update()}
    new = [MarkWriteBack(mark=m, school_id=m.school_id) for m in marks if m.pk not in existing]
    MarkWriteBack.objects.bulk_create(new)
    rows = MarkWriteBack.objects.filter(mark__in=marks).exclude(status=MarkWriteBack.Status.SENT)
    rows.update(
        status=status,
        error=error[:300],
        attempts=F("attempts") + 1,
        sent_at=now if status == MarkWriteBack.Status.SENT else None,
        updated_at=now,
    )


def rejected_marks(school: School) -> list[MarkWriteBack]:
    return list(
        MarkWriteBack.objects.filter(school=school)
        .filter(Q(status=MarkWriteBack.Status.REJECTED) | Q(status=MarkWriteBack.Status.PENDING, attempts__gt=0))
        .select_related("mark__pupil__school_class")
        .order_by("mark__date", "mark__session")
    )


def link_set(
    *, school: School, by: User, wonde_school_id: str, nightly: bool, write_back: bool, api: Wonde | None = None
) -> WondeSettings:
    """Link the school to its Wonde record, once Wonde confirms it is this school (the same URN): a mistyped ID
    must never bring another school's children in."""
    wonde_id = wonde_school_id.strip().upper()
    if not wonde_id or len(wonde_id) > 20 or not wonde_id.isalnum():
        raise ServiceError("Give the school's Wonde ID: letters and digits, like A1930499544.")
    try:
        found = (api or client()).school(wonde_id)
    except WondeError as exc:
        raise ServiceError(
            f"Wonde could not confirm school {wonde_id} ({exc}). Check the ID, and that the school has approved "
            "Home Learning in Wonde. Nothing was saved."
        ) from None
    urn = str(found.get("urn") or "")
    if school.urn and urn != school.urn:
        raise ServiceError(
            f"Wonde's school {wonde_id} is {found.get('name', 'another school')} (URN {urn or 'unknown'}), not "
            f"{school.name} (URN {school.urn}). Nothing was saved."
        )
    link, _ = WondeSettings.objects.update_or_create(
        school=school,
        defaults={
            "wonde_school_id": wonde_id,
            "nightly": nightly,
            "write_back": write_back,
            "updated_by": by,
            "updated_at": clock.now(),
        },
    )
    audit(
        action="roster.wonde_settings",
        actor=by,
        school=school,
        target=link,
        details={"wonde_school_id": wonde_id, "nightly": nightly, "write_back": write_back},
    )
    return link


def nightly_all() -> dict[str, Any]:
    """Every school with a nightly Wonde link, one after another; one school's failure stops no other."""
    results: dict[str, Any] = {}
    for link in WondeSettings.objects.filter(nightly=True).select_related("school"):
        try:
            results[link.school.code] = sync_nightly(school=link.school)
        except ServiceError as exc:
            results[link.school.code] = {"error": str(exc)}
    return results
