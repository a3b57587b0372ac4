"""Every safeguarding write. Concerns, entries and contacts are appended, never changed."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.mail import email_queue
from homelearning.people.models import Pupil, School, Staff, User
from homelearning.safeguarding.access import dsl_team, settings_for
from homelearning.safeguarding.models import (
    Concern,
    ConcernCategory,
    ConcernEntry,
    ConcernPupil,
    Contact,
    FilterAlert,
    SafeguardingSettings,
    VulnerabilityReason,
    VulnerablePupil,
)


def site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def dsl_team_notify(*, school: School, subject: str, body_text: str, kind: str) -> int:
    """Email each member of the DSL team. Callers never put concern details in `body_text`."""
    sent = 0
    for member in dsl_team(school):
        email_queue(to=member.user.email, subject=subject, body_text=body_text, kind=kind, school=school)
        sent += 1
    return sent


@transaction.atomic
def settings_change(*, school: School, by: User, headteacher_sees_records: bool) -> SafeguardingSettings:
    current = settings_for(school)
    SafeguardingSettings.objects.filter(pk=current.pk).update(headteacher_sees_records=headteacher_sees_records)
    audit(
        action="safeguarding.settings.change",
        actor=by,
        school=school,
        details={"headteacher_sees_records": headteacher_sees_records},
    )
    return SafeguardingSettings.objects.get(pk=current.pk)


@transaction.atomic
def raise_concern(
    *,
    school: School,
    by: User,
    by_label: str,
    pupils: Sequence[Pupil],
    category: ConcernCategory,
    seen_or_heard: str,
    happened_at: datetime.datetime,
    action_taken: str = "",
    raised_as: str = Concern.RaisedAs.STAFF,
    source_type: str = "",
    source_code: str = "",
) -> Concern:
    """Record a concern about one or more pupils of `school` and tell the DSL team at once.

    Other apps (journal, live sessions, contacts…) call this with their object as the source.
    """
    if not pupils:
        raise ServiceError("Choose at least one child.")
    if any(p.school_id != school.pk for p in pupils):
        raise ServiceError("Every child must be a pupil of this school.")
    if not seen_or_heard.strip():
        raise ServiceError("Say what was seen or heard.")
    if timezone.is_naive(happened_at):
        raise ServiceError("The time it happened needs a time zone.")
    if happened_at > clock.now() + datetime.timedelta(minutes=5):
        raise ServiceError("The time it happened cannot be in the future.")
    concern = Concern.objects.create(
        school=school,
        category=category,
        seen_or_heard=seen_or_heard.strip(),
        happened_at=happened_at,
        action_taken=action_taken.strip(),
        raised_by=by,
        raised_by_label=by_label[:200],
        raised_as=raised_as,
        source_type=source_type[:40],
        source_code=source_code[:60],
    )
    ConcernPupil.objects.bulk_create(
        [ConcernPupil(concern=concern, pupil=p) for p in {p.pk: p for p in pupils}.values()]
    )
    audit(
        action="safeguarding.concern.raise",
        actor=by,
        school=school,
        target=concern,
        details={"pupils": len(pupils), "source_type": source_type, "raised_as": raised_as},
    )
    # No names and no details: the email only sends the DSL to the app.
    dsl_team_notify(
        school=school,
        subject="A new safeguarding concern has been raised",
        body_text=(
            "A new safeguarding concern has been raised at your school.\n\n"
            "Please open Home Learning to read and acknowledge it:\n"
            f"{site_url(reverse('safeguarding:dashboard'))}\n"
        ),
        kind="safeguarding.concern_raised",
    )
    return concern


@transaction.atomic
def concern_acknowledge(*, concern: Concern, by: User) -> Concern:
    now = clock.now()
    updated = Concern.objects.filter(pk=concern.pk, status=Concern.Status.RAISED).update(
        status=Concern.Status.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=by
    )
    if updated != 1:
        raise InvalidTransition("This concern has already been acknowledged.")
    audit(action="safeguarding.concern.acknowledge", actor=by, school=concern.school, target=concern)
    return Concern.objects.get(pk=concern.pk)


@transaction.atomic
def concern_entry_add(
    *,
    concern: Concern,
    by: User,
    by_label: str,
    kind: str,
    text: str,
    reason: str = "",
    corrects: ConcernEntry | None = None,
) -> ConcernEntry:
    if kind not in ConcernEntry.Kind.values:
        raise ServiceError("Choose what kind of entry this is.")
    if not text.strip():
        raise ServiceError("Write the entry.")
    if kind == ConcernEntry.Kind.DECISION and not reason.strip():
        raise ServiceError("Record the reasons for the decision.")
    if kind == ConcernEntry.Kind.CORRECTION and corrects is None:
        raise ServiceError("Choose the entry this corrects.")
    if corrects is not None and corrects.concern_id != concern.pk:
        raise ServiceError("A correction must point at an entry of the same concern.")
    if corrects is not None and kind != ConcernEntry.Kind.CORRECTION:
        kind = ConcernEntry.Kind.CORRECTION
    entry = ConcernEntry.objects.create(
        concern=concern,
        kind=kind,
        text=text.strip(),
        reason=reason.strip(),
        corrects=corrects,
        author=by,
        author_label=by_label[:200],
    )
    audit(action=f"safeguarding.entry.{kind}", actor=by, school=concern.school, target=concern)
    return entry


@transaction.atomic
def concern_close(*, concern: Concern, by: User, by_label: str, outcome: str) -> Concern:
    """Record the outcome and close. The concern must have been acknowledged first."""
    if not outcome.strip():
        raise ServiceError("Record the outcome before closing the concern.")
    updated = Concern.objects.filter(pk=concern.pk, status=Concern.Status.ACKNOWLEDGED).update(
        status=Concern.Status.CLOSED, closed_at=clock.now(), closed_by=by
    )
    if updated != 1:
        raise InvalidTransition("Only an acknowledged, open concern can be closed.")
    ConcernEntry.objects.create(
        concern=concern, kind=ConcernEntry.Kind.OUTCOME, text=outcome.strip(), author=by, author_label=by_label[:200]
    )
    audit(action="safeguarding.concern.close", actor=by, school=concern.school, target=concern)
    return Concern.objects.get(pk=concern.pk)


@transaction.atomic
def vulnerable_add(
    *,
    school: School,
    pupil: Pupil,
    reason: VulnerabilityReason,
    started_on: datetime.date,
    by: User,
    note: str = "",
) -> VulnerablePupil:
    if pupil.school_id != school.pk:
        raise ServiceError("The child must be a pupil of this school.")
    try:
        with transaction.atomic():
            record = VulnerablePupil.objects.create(
                school=school, pupil=pupil, reason=reason, started_on=started_on, note=note.strip(), added_by=by
            )
    except IntegrityError:
        raise ServiceError(f"{pupil.full_name} is already on the list for this reason.") from None
    audit(action="safeguarding.vulnerable.add", actor=by, school=school, target=pupil, details={"reason": reason.slug})
    return record


@transaction.atomic
def vulnerable_end(*, record: VulnerablePupil, ended_on: datetime.date, by: User) -> VulnerablePupil:
    if ended_on < record.started_on:
        raise ServiceError("The end date cannot be before the start date.")
    updated = VulnerablePupil.objects.filter(pk=record.pk, ended_on__isnull=True).update(ended_on=ended_on)
    if updated != 1:
        raise InvalidTransition("This reason has already ended.")
    audit(
        action="safeguarding.vulnerable.end",
        actor=by,
        school=record.school,
        target=record.pupil,
        details={"reason": record.reason.slug},
    )
    return VulnerablePupil.objects.get(pk=record.pk)


@transaction.atomic
def contact_log(
    *,
    pupil: Pupil,
    by: Staff,
    contact_for: str,
    contacted_at: datetime.datetime,
    method: str,
    spoke_to_child: bool,
    outcome: str,
) -> Contact:
    if contact_for not in Contact.By.values:
        raise ServiceError("Say whether this is the class teacher's or the DSL team's contact.")
    if method not in Contact.Method.values:
        raise ServiceError("Choose how the contact was made.")
    if pupil.school_id != by.school_id:
        raise PermissionRefused("The child is not a pupil of your school.")
    if contacted_at > clock.now() + datetime.timedelta(minutes=5):
        raise ServiceError("A contact cannot be in the future.")
    if not outcome.strip():
        raise ServiceError("Record the outcome of the contact.")
    contact = Contact.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        by=contact_for,
        made_by=by,
        contacted_at=contacted_at,
        method=method,
        spoke_to_child=spoke_to_child,
        outcome=outcome.strip(),
    )
    audit(action="safeguarding.contact.log", actor=by.user, school=by.school, target=pupil, details={"by": contact_for})
    return contact


@transaction.atomic
def alert_log(
    *,
    school: School,
    by: User,
    occurred_at: datetime.datetime,
    device_user: str,
    category: str,
    device: str = "",
    detail: str = "",
    pupil: Pupil | None = None,
    source: str = FilterAlert.Source.HAND,
) -> FilterAlert:
    alert = FilterAlert.objects.create(
        school=school,
        occurred_at=occurred_at,
        device_user=device_user.strip()[:200],
        device=device.strip()[:200],
        category=category.strip()[:200],
        detail=detail.strip(),
        pupil=pupil,
        source=source,
        logged_by=by,
    )
    if source == FilterAlert.Source.HAND:
        audit(action="safeguarding.alert.log", actor=by, school=school, target=alert)
    return alert


# Our fields, as the DSL sees them when mapping the filtering provider's columns.
ALERT_FIELDS: dict[str, str] = {
    "occurred_at": "When it happened",
    "user": "User (account name)",
    "category": "Category",
    "device": "Device",
    "detail": "What was blocked or flagged",
    "pupil": "Child (UPN, MIS id or full name)",
}
ALERT_REQUIRED = ("occurred_at", "user", "category")
# Headings that providers commonly use, for a first guess before the DSL has mapped the columns.
ALERT_GUESSES: dict[str, tuple[str, ...]] = {
    "occurred_at": ("occurred_at", "date/time", "date time", "datetime", "timestamp", "event time", "time", "date"),
    "user": ("user", "username", "user name", "account", "login", "logon name"),
    "category": ("category", "categories", "classification", "rule", "alert type", "reason"),
    "device": ("device", "device name", "computer", "computer name", "hostname", "machine"),
    "detail": ("detail", "details", "url", "search term", "description", "content"),
    "pupil": ("pupil", "child", "student", "upn", "pupil name", "student name"),
}
ALERT_MAX_ERRORS = 10
# How the file writes dates like 03/04/2026: UK providers day first, some American ones month first.
ALERT_DATE_ORDERS: dict[str, str] = {
    "dmy": "Day first (27/11/2026 14:05)",
    "mdy": "Month first (11/27/2026 14:05)",
}
_DATE_FORMATS = {
    order: (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        *(
            f"{first}{sep}{second}{sep}{year} {time}"
            for sep in ("/", "-", ".")
            for year in ("%Y", "%y")
            for time in ("%H:%M:%S", "%H:%M")
            for first, second in [("%d", "%m") if order == "dmy" else ("%m", "%d")]
        ),
    )
    for order in ALERT_DATE_ORDERS
}


class ImportRefused(ServiceError):
    """Every problem found (up to ALERT_MAX_ERRORS), so the DSL fixes the file once."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors))


@dataclass(frozen=True)
class ImportResult:
    created: int


@dataclass(frozen=True)
class CsvTable:
    text: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)


@dataclass(frozen=True)
class AlertRow:
    line: int
    occurred_at: datetime.datetime
    user: str
    category: str
    device: str
    detail: str
    pupil: Pupil | None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError("The file is not UTF-8 or Windows-1252 text. Save it as CSV (UTF-8) and try again.")


def _parse_when(value: str, order: str = "dmy") -> datetime.datetime | None:
    value = value.strip()
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None:
        for fmt in _DATE_FORMATS[order]:
            try:
                parsed = datetime.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware in school time next
            except ValueError:
                continue
            break
    if parsed is None or (len(value) <= 10 and ":" not in value):
        return None  # A date without a time is not precise enough for the record.
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def alerts_csv_read(*, data: bytes | str) -> CsvTable:
    """The file's header line and rows, or a clear ServiceError. Writes nothing."""
    text = _decode(data) if isinstance(data, bytes) else data
    if "\x00" in text:
        raise ServiceError("The file is not a CSV file (it contains binary data).")
    if not text.strip():
        raise ServiceError("The file is empty.")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if not headers:
                headers = [c.strip() for c in cells]
                continue
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ServiceError(f"Line {reader.line_num}: the file is not valid CSV ({exc}).") from None
    named = [h for h in headers if h]
    if len(named) < len(ALERT_REQUIRED):
        raise ServiceError(
            "The first line must name the columns (at least the time, the user and the category of each alert)."
        )
    seen: set[str] = set()
    for header in named:
        if header.lower() in seen:
            raise ServiceError(f"The column “{header}” appears twice in the first line: rename one and try again.")
        seen.add(header.lower())
    if not rows:
        raise ServiceError("The file has a header line but no alerts.")
    return CsvTable(text=text, headers=headers, rows=rows)


def alert_columns_guess(*, school: School, headers: Sequence[str]) -> dict[str, str]:
    """The columns the school mapped last time, where this file has them; otherwise a guess from common names."""
    saved = settings_for(school).alert_columns or {}
    named = [h for h in headers if h]
    mapping = {f: saved[f] for f in ALERT_FIELDS if saved.get(f) in named}
    mapping["date_order"] = saved.get("date_order") if saved.get("date_order") in ALERT_DATE_ORDERS else "dmy"
    by_lower = {h.lower(): h for h in named}
    for field_name, guesses in ALERT_GUESSES.items():
        if field_name in mapping:
            continue
        for guess in guesses:
            header = by_lower.get(guess)
            if header is not None and header not in mapping.values():
                mapping[field_name] = header
                break
    return mapping


def _pupil_index(school: School) -> dict[str, Pupil | None]:
    """UPN, MIS id and full names (lower case) to the pupil; None where a name is shared."""
    index: dict[str, Pupil | None] = {}
    for pupil in Pupil.objects.filter(school=school).select_related("school_class"):
        for key in {pupil.upn, pupil.mis_id}:
            if key:
                index[key.strip().lower()] = pupil
        names = {f"{pupil.legal_first_name} {pupil.surname}", f"{pupil.first_name} {pupil.surname}"}
        for name in names:
            key = " ".join(name.lower().split())
            index[key] = None if key in index and index[key] != pupil else pupil
    return index


def alerts_csv_parse(*, school: School, table: CsvTable, mapping: dict[str, str]) -> list[AlertRow]:
    """Every row read through the DSL's column mapping, or ImportRefused listing what is wrong. Writes nothing."""
    order = mapping.get("date_order") or "dmy"
    mapping = {f: h for f, h in mapping.items() if f in ALERT_FIELDS and h}
    errors: list[str] = []
    if order not in ALERT_DATE_ORDERS:
        errors.append("Choose how the file writes its dates.")
    missing = [ALERT_FIELDS[f] for f in ALERT_REQUIRED if f not in mapping]
    if missing:
        errors.append(f"Choose the column that holds: {', '.join(missing)}.")
    for field_name, header in mapping.items():
        if header not in table.headers:
            errors.append(f"The file has no column “{header}” (for {ALERT_FIELDS[field_name]}).")
    chosen: dict[str, str] = {}
    for field_name, header in mapping.items():
        if header in chosen:
            errors.append(
                f"The column “{header}” is chosen for both "
                f"{ALERT_FIELDS[chosen[header]]} and {ALERT_FIELDS[field_name]}."
            )
        chosen.setdefault(header, field_name)
    if errors:
        raise ImportRefused(errors)
    position = {f: table.headers.index(h) for f, h in mapping.items()}
    pupils = _pupil_index(school) if "pupil" in position else {}
    latest = clock.now() + datetime.timedelta(minutes=5)
    parsed: list[AlertRow] = []
    for line, cells in table.rows:

        def cell(field_name: str, cells: list[str] = cells) -> str:
            at = position.get(field_name)
            return cells[at] if at is not None and at < len(cells) else ""

        row_errors: list[str] = []
        for field_name in ALERT_REQUIRED:
            if not cell(field_name):
                row_errors.append(f"Line {line}: the {mapping[field_name]} column is empty.")
        when = _parse_when(cell("occurred_at"), order) if cell("occurred_at") else None
        if cell("occurred_at") and when is None:
            row_errors.append(
                f"Line {line}: “{cell('occurred_at')[:40]}” is not a date and time "
                f"(expected like {ALERT_DATE_ORDERS[order].split('(')[1].rstrip(')')} or 2026-11-27 14:05)."
            )
        elif when is not None and when > latest:
            row_errors.append(f"Line {line}: “{cell('occurred_at')[:40]}” is in the future.")
        pupil = None
        child = cell("pupil")
        if child:
            pupil = pupils.get(" ".join(child.lower().split()))
            if pupil is None:
                shared = " ".join(child.lower().split()) in pupils
                row_errors.append(
                    f"Line {line}: more than one child is called “{child[:60]}”: use their UPN instead."
                    if shared
                    else f"Line {line}: no child of this school matches “{child[:60]}” "
                    "(use the UPN, MIS id or full name)."
                )
        if row_errors:
            errors.extend(row_errors)
            if len(errors) >= ALERT_MAX_ERRORS:
                break
            continue
        assert when is not None  # noqa: S101 - a required column, checked above
        parsed.append(
            AlertRow(
                line=line,
                occurred_at=when,
                user=cell("user")[:200],
                category=cell("category")[:200],
                device=cell("device")[:200],
                detail=cell("detail")[:5000],
                pupil=pupil,
            )
        )
    if errors:
        if len(errors) >= ALERT_MAX_ERRORS:
            errors = [*errors[:ALERT_MAX_ERRORS], "Only the first problems are listed."]
        raise ImportRefused(errors)
    return parsed


@transaction.atomic
def alerts_import_csv(
    *,
    school: School,
    by: User,
    data: bytes | str,
    mapping: dict[str, str] | None = None,
    remember: bool = True,
) -> ImportResult:
    """Import every row or none, reading the columns through `mapping` (default: the saved or guessed one).

    With `remember`, the mapping is kept for the school's next import.
    """
    table = alerts_csv_read(data=data)
    if mapping is None:
        mapping = alert_columns_guess(school=school, headers=table.headers)
    rows = alerts_csv_parse(school=school, table=table, mapping=mapping)
    FilterAlert.objects.bulk_create(
        [
            FilterAlert(
                school=school,
                occurred_at=row.occurred_at,
                device_user=row.user,
                device=row.device,
                category=row.category,
                detail=row.detail,
                pupil=row.pupil,
                source=FilterAlert.Source.CSV,
                logged_by=by,
            )
            for row in rows
        ]
    )
    columns = {f: h for f, h in mapping.items() if (f in ALERT_FIELDS or f == "date_order") and h}
    if remember:
        SafeguardingSettings.objects.filter(pk=settings_for(school).pk).update(alert_columns=columns)
    audit(
        action="safeguarding.alert.import",
        actor=by,
        school=school,
        details={"rows": len(rows), "columns": columns, "remembered": remember},
    )
    return ImportResult(created=len(rows))


@transaction.atomic
def alert_triage(
    *,
    alert: FilterAlert,
    by: User,
    by_label: str,
    triage: str,
    note: str = "",
    category: ConcernCategory | None = None,
    pupils: Sequence[Pupil] = (),
) -> FilterAlert:
    """Record what was done. "Concern raised" raises the concern here, with the alert as its source."""
    if triage not in {FilterAlert.Triage.NO_ACTION, FilterAlert.Triage.SPOKEN_TO, FilterAlert.Triage.CONCERN}:
        raise ServiceError("Choose what was done about the alert.")
    concern = None
    if triage == FilterAlert.Triage.CONCERN:
        if category is None:
            raise ServiceError("Choose the concern's category.")
        chosen = list(pupils) or ([alert.pupil] if alert.pupil else [])
        concern = raise_concern(
            school=alert.school,
            by=by,
            by_label=by_label,
            pupils=chosen,
            category=category,
            seen_or_heard=(
                f"Filtering alert: {alert.category} for {alert.device_user}"
                + (f" on {alert.device}" if alert.device else "")
                + (f". {alert.detail}" if alert.detail else "")
                + (f"\n\n{note.strip()}" if note.strip() else "")
            ),
            happened_at=alert.occurred_at,
            source_type="filter_alert",
            source_code=alert.code,
        )
    updated = FilterAlert.objects.filter(pk=alert.pk, triage=FilterAlert.Triage.NEW).update(
        triage=triage, triage_note=note.strip(), triaged_by=by, triaged_at=clock.now(), concern=concern
    )
    if updated != 1:
        raise InvalidTransition("This alert has already been triaged.")
    audit(action="safeguarding.alert.triage", actor=by, school=alert.school, target=alert, details={"triage": triage})
    return FilterAlert.objects.get(pk=alert.pk)
