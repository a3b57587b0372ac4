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
    if happened_at > timezone.now() + datetime.timedelta(minutes=5):
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
    now = timezone.now()
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
        status=Concern.Status.CLOSED, closed_at=timezone.now(), closed_by=by
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
    if contacted_at > timezone.now() + datetime.timedelta(minutes=5):
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


ALERT_COLUMNS = ("occurred_at", "user", "category")
ALERT_OPTIONAL = ("device", "detail")


@dataclass(frozen=True)
class ImportResult:
    created: int


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError("The file is not UTF-8 or Windows-1252 text. Save it as CSV (UTF-8) and try again.")


def _parse_when(value: str, line: int) -> datetime.datetime:
    value = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            naive = datetime.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware in school time next
        except ValueError:
            continue
        return timezone.make_aware(naive)
    raise ServiceError(f"Line {line}: “{value}” is not a date and time (use 2026-11-27 14:05).")


@transaction.atomic
def alerts_import_csv(*, school: School, by: User, data: bytes) -> ImportResult:
    """Import every row or none. Columns: occurred_at, user, category (required); device, detail (optional)."""
    if not data.strip():
        raise ServiceError("The file is empty.")
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ALERT_COLUMNS if c not in headers]
    if missing:
        raise ServiceError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"Its first line must name the columns: {', '.join(ALERT_COLUMNS + ALERT_OPTIONAL)}."
        )
    rows: list[FilterAlert] = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        if not any(row.values()):
            continue
        for column in ALERT_COLUMNS:
            if not row.get(column):
                raise ServiceError(f"Line {number}: the {column} column is empty.")
        rows.append(
            FilterAlert(
                school=school,
                occurred_at=_parse_when(row["occurred_at"], number),
                device_user=row["user"][:200],
                device=row.get("device", "")[:200],
                category=row["category"][:200],
                detail=row.get("detail", ""),
                source=FilterAlert.Source.CSV,
                logged_by=by,
            )
        )
    if not rows:
        raise ServiceError("The file has a header line but no alerts.")
    FilterAlert.objects.bulk_create(rows)
    audit(action="safeguarding.alert.import", actor=by, school=school, details={"rows": len(rows)})
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
        triage=triage, triage_note=note.strip(), triaged_by=by, triaged_at=timezone.now(), concern=concern
    )
    if updated != 1:
        raise InvalidTransition("This alert has already been triaged.")
    audit(action="safeguarding.alert.triage", actor=by, school=alert.school, target=alert, details={"triage": triage})
    return FilterAlert.objects.get(pk=alert.pk)
