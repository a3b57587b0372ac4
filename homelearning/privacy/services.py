"""Every write of the privacy app: subject access requests, the retention schedule and passes,
device confirmations, settings, and the policy review reminder."""

from __future__ import annotations

import datetime
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Field
from django.template.loader import render_to_string
from django.urls import reverse

from homelearning.api.models import ApiToken
from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.mail import email_queue
from homelearning.people.models import MFA_ROLES, Carer, PolicyVersion, Pupil, Role, School, Staff, User
from homelearning.people.phones import remembered_phones_shorten
from homelearning.privacy import retention
from homelearning.privacy.export import build_export
from homelearning.privacy.models import (
    MAX_API_TOKEN_DAYS,
    MAX_CARER_REMEMBER_DAYS,
    DeviceConfirmation,
    PolicyReviewReminder,
    PrivacySettings,
    RecordType,
    RetentionRule,
    RetentionRun,
    SubjectAccessRequest,
)
from homelearning.privacy.schedule import SPECS, one_month_after

# --- Settings ---------------------------------------------------------------------------------


def settings_for(school: School) -> PrivacySettings:
    return PrivacySettings.objects.get_or_create(school=school)[0]


SETTING_SECONDS = 300


def _setting(school_id: int, name: str) -> Any:
    """One of the school's privacy settings, read on every request of some kind, so cached for a few minutes;
    the services that change it call `_forget_setting`. A school with no row yet has the field's default."""
    key = f"privacy:{name}:{school_id}"
    value = cache.get(key)
    if value is None:
        value = PrivacySettings.objects.filter(school_id=school_id).values_list(name, flat=True).first()
        if value is None:
            field = PrivacySettings._meta.get_field(name)
            value = field.get_default() if isinstance(field, Field) else None
        cache.set(key, value, SETTING_SECONDS)
    return value


def _forget_setting(school_id: int, name: str) -> None:
    """Now for this process, and again after commit in case another request cached the old value meanwhile."""
    key = f"privacy:{name}:{school_id}"
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def devices_required(school_id: int) -> bool:
    """Read on every staff request."""
    return bool(_setting(school_id, "devices_required"))


def carer_remember_days(school_id: int) -> int:
    """Read on every parent's home page."""
    return int(_setting(school_id, "carer_remember_days"))


@transaction.atomic
def devices_required_set(*, school: School, by: User, required: bool) -> PrivacySettings:
    current = settings_for(school)
    PrivacySettings.objects.filter(pk=current.pk).update(
        devices_required=required, updated_at=clock.now(), updated_by=by
    )
    audit(action="privacy.devices_required.change", actor=by, school=school, details={"required": required})
    _forget_setting(school.pk, "devices_required")
    return PrivacySettings.objects.get(pk=current.pk)


@transaction.atomic
def sign_in_settings_set(
    *,
    school: School,
    by: User,
    api_token_days: int,
    extra_mfa_roles: Iterable[str],
    carer_remember_days: int | None = None,
) -> PrivacySettings:
    """How long API tokens work, and which roles beyond the required ones must use an authenticator.

    A shorter lifetime applies to tokens already made too: none works longer than the school now allows.
    """
    if not 1 <= api_token_days <= MAX_API_TOKEN_DAYS:
        raise ServiceError(f"API tokens can work for between 1 and {MAX_API_TOKEN_DAYS} days.")
    extra = sorted(set(extra_mfa_roles) - MFA_ROLES)
    if set(extra) - set(Role.values):
        raise ServiceError("Choose roles from the list.")
    if carer_remember_days is not None and not 0 <= carer_remember_days <= MAX_CARER_REMEMBER_DAYS:
        raise ServiceError(f"Parents' phones can stay signed in for between 0 and {MAX_CARER_REMEMBER_DAYS} days.")
    current = PrivacySettings.objects.select_for_update().get(pk=settings_for(school).pk)
    remember_days = current.carer_remember_days if carer_remember_days is None else carer_remember_days
    PrivacySettings.objects.filter(pk=current.pk).update(
        api_token_days=api_token_days,
        extra_mfa_roles=extra,
        carer_remember_days=remember_days,
        updated_at=clock.now(),
        updated_by=by,
    )
    _forget_setting(school.pk, "carer_remember_days")
    phones_shortened = remembered_phones_shorten(school=school, days=remember_days)
    latest = ExpressionWrapper(F("created_at") + datetime.timedelta(days=api_token_days), output_field=DateTimeField())
    shortened = (
        ApiToken.objects.filter(staff__school=school, revoked_at__isnull=True)
        .alias(latest=latest)
        .filter(expires_at__gt=F("latest"))
        .update(expires_at=latest)
    )
    audit(
        action="privacy.sign_in_settings.change",
        actor=by,
        school=school,
        details={
            "api_token_days": api_token_days,
            "extra_mfa_roles": extra,
            "tokens_shortened": shortened,
            "carer_remember_days": remember_days,
            "phones_shortened": phones_shortened,
        },
    )
    return PrivacySettings.objects.get(pk=current.pk)


def _clean_links(links: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for link in links:
        title = (link.get("title") or "").strip()
        url = (link.get("url") or "").strip()
        if not title:
            continue
        if url and not url.startswith(("https://", "http://")):
            raise ServiceError(f"The link for {title} must start with https:// or http://.")
        cleaned.append({"title": title[:120], "url": url[:500]})
    return cleaned


@transaction.atomic
def linked_policies_set(*, school: School, by: User, links: list[dict[str, str]]) -> PrivacySettings:
    cleaned = _clean_links(links)
    current = settings_for(school)
    PrivacySettings.objects.filter(pk=current.pk).update(linked_policies=cleaned, updated_at=clock.now(), updated_by=by)
    audit(action="privacy.linked_policies.change", actor=by, school=school, details={"count": len(cleaned)})
    return PrivacySettings.objects.get(pk=current.pk)


# --- Subject access requests ---------------------------------------------------------------------


@transaction.atomic
def sar_create(
    *,
    school: School,
    by: User,
    pupil: Pupil | None = None,
    carer: Carer | None = None,
    requested_by: str,
    received_on: datetime.date,
    redact_third_parties: bool = True,
) -> SubjectAccessRequest:
    if (pupil is None) == (carer is None):
        raise ServiceError("Choose the pupil or the parent or carer the request is about.")
    subject = pupil or carer
    assert subject is not None  # noqa: S101 - checked just above
    if subject.school_id != school.pk:
        raise ServiceError("That person is not at this school: a request can only be about this school's records.")
    if received_on > clock.today():
        raise ServiceError("The date received cannot be in the future.")
    if not requested_by.strip():
        raise ServiceError("Say who made the request.")
    sar = SubjectAccessRequest.objects.create(
        school=school,
        subject_kind=SubjectAccessRequest.Subject.PUPIL if pupil else SubjectAccessRequest.Subject.CARER,
        pupil=pupil,
        carer=carer,
        subject_label=subject.full_name,
        requested_by=requested_by.strip()[:200],
        received_on=received_on,
        due_on=one_month_after(received_on),
        redact_third_parties=redact_third_parties,
        created_by=by,
    )
    audit(action="privacy.sar.create", actor=by, school=school, target=sar, details={"subject": sar.subject_kind})
    return sar


@transaction.atomic
def sar_safeguarding_decide(
    *, sar: SubjectAccessRequest, by: User, dsl_team: bool, include: bool, reason: str
) -> SubjectAccessRequest:
    """The DSL team decides whether safeguarding records go into the export, with a reason."""
    if not dsl_team:
        raise PermissionRefused("Only the designated safeguarding lead's team can decide on safeguarding records.")
    if not reason.strip():
        raise ServiceError("Give the reason for the decision.")
    decision = SubjectAccessRequest.Safeguarding.INCLUDE if include else SubjectAccessRequest.Safeguarding.WITHHOLD
    updated = SubjectAccessRequest.objects.filter(pk=sar.pk, status=SubjectAccessRequest.Status.OPEN).update(
        safeguarding=decision,
        safeguarding_reason=reason.strip(),
        safeguarding_decided_by=by,
        safeguarding_decided_at=clock.now(),
    )
    if updated != 1:
        raise InvalidTransition("This request has been completed; its safeguarding decision is final.")
    audit(action="privacy.sar.safeguarding", actor=by, school=sar.school, target=sar, details={"decision": decision})
    return SubjectAccessRequest.objects.get(pk=sar.pk)


@transaction.atomic
def sar_complete(*, sar: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    current = SubjectAccessRequest.objects.filter(pk=sar.pk)
    if not current.filter(last_exported_at__isnull=False).exists():
        raise ServiceError("Download the export before marking the request as sent.")
    updated = current.filter(status=SubjectAccessRequest.Status.OPEN).update(
        status=SubjectAccessRequest.Status.COMPLETED, completed_at=clock.now(), completed_by=by
    )
    if updated != 1:
        raise InvalidTransition("This request was already marked as sent.")
    audit(action="privacy.sar.complete", actor=by, school=sar.school, target=sar)
    return SubjectAccessRequest.objects.get(pk=sar.pk)


def _request_json(sar: SubjectAccessRequest) -> dict[str, object]:
    return {
        "code": sar.code,
        "about": sar.get_subject_kind_display(),
        "requested_by": sar.requested_by,
        "received_on": sar.received_on.isoformat(),
        "respond_by": sar.due_on.isoformat(),
        "third_party_names_redacted": sar.redact_third_parties,
        "safeguarding_records": sar.get_safeguarding_display(),
        "exported_at": clock.now().isoformat(),
    }


def sar_export(*, sar: SubjectAccessRequest, by: User, allowed: bool) -> IO[bytes]:
    """Build the ZIP (summary.html, records.json, files/) in a temporary file, audit it, and return it.

    Nothing is kept on disk: the file disappears when closed.
    """
    if not allowed:
        raise PermissionRefused("This export includes safeguarding records: only the DSL team can download it.")
    if sar.pupil is None and sar.carer is None:
        raise ServiceError("The person this request was about has since been anonymised: nothing is held.")
    include = sar.safeguarding == SubjectAccessRequest.Safeguarding.INCLUDE
    export = build_export(
        school_id=sar.school_id,
        pupil=sar.pupil,
        carer=sar.carer,
        include_safeguarding=include,
        redact=sar.redact_third_parties,
    )
    request = _request_json(sar)
    summary = render_to_string(
        "privacy/export_summary.html", {"sar": sar, "export": export, "request": request, "school": sar.school}
    )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
    missing = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", summary)
        archive.writestr("records.json", export.as_json(request))
        for f in export.files:
            try:
                with f.storage.open(f.name, "rb") as source, archive.open(f.arcname, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except FileNotFoundError:
                missing.append(f.arcname)
        if missing:
            archive.writestr("files/MISSING.txt", "These files were recorded but not found:\n" + "\n".join(missing))
    handle.seek(0)
    with transaction.atomic():  # marked exported only with its audit entry
        SubjectAccessRequest.objects.filter(pk=sar.pk).update(last_exported_at=clock.now())
        audit(
            action="privacy.sar.export",
            actor=by,
            school=sar.school,
            target=sar,
            details={
                "sections": {s.label: len(s.records) for s in export.sections},
                "files": len(export.files),
                "safeguarding": include,
            },
        )
    return handle


# --- Retention ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleChange:
    record_type: str
    period: int


@transaction.atomic
def retention_rules_set(*, school: School, by: User, periods: dict[str, int]) -> None:
    for record_type, period in periods.items():
        spec = SPECS.get(record_type)
        if spec is None:
            raise ServiceError(f"Unknown record type {record_type}.")
        if period < spec.minimum:
            reason = f" {spec.minimum_reason}" if spec.minimum_reason else ""
            raise ServiceError(
                f"{RecordType(record_type).label}: at least {spec.minimum} {spec.unit}, not {period}.{reason}"
            )
        if period > spec.maximum:
            raise ServiceError(f"{RecordType(record_type).label}: at most {spec.maximum} {spec.unit}.")
    changed = {}
    for record_type, period in periods.items():
        rule, created = RetentionRule.objects.get_or_create(
            school=school, record_type=record_type, defaults={"period": period, "updated_by": by}
        )
        if not created and rule.period != period:
            RetentionRule.objects.filter(pk=rule.pk).update(period=period, updated_by=by, updated_at=clock.now())
        if created or rule.period != period:
            changed[record_type] = period
    if changed:
        audit(action="privacy.retention.rules", actor=by, school=school, details=changed)


@transaction.atomic
def retention_dry_run(*, school: School, by: User | None, today: datetime.date) -> RetentionRun:
    report = retention.report_of(retention.plan(school, today))
    run = RetentionRun.objects.create(school=school, dry_run=True, run_on=today, report=report, started_by=by)
    audit(
        action="privacy.retention.dry_run",
        actor=by,
        school=school,
        target=run,
        details={k: v["count"] for k, v in report.items()},
    )
    return run


@transaction.atomic
def retention_pass(*, school: School, by: User | None, today: datetime.date) -> RetentionRun:
    """Remove what is past due and was listed by the last dry run; the audit entry says what went."""
    previous = retention.last_dry_run(school)
    if previous is None:
        raise ServiceError("Run a dry run first: it lists what a pass would remove.")
    done = retention.carry_out(school, retention.plan(school, today), previous)
    report = retention.report_of(done)
    run = RetentionRun.objects.create(school=school, dry_run=False, run_on=today, report=report, started_by=by)
    audit(
        action="privacy.retention.pass",
        actor=by,
        school=school,
        target=run,
        # Counts and actions here; the row ids are in the run's report (the audit entry's target).
        details={key: {"count": v["count"], "action": v["action"]} for key, v in report.items() if v["count"]}
        | {"dry_run": previous.pk},
    )
    return run


# --- Staff devices (DPR-04) ---------------------------------------------------------------------

DEVICE_POINTS = {  # nosec B105 - the policy's six points, not passwords
    "password_protected": "My device is password-protected.",
    "disk_encrypted": "Its hard drive is encrypted.",
    "locks_when_idle": "It locks when left inactive for a period of time.",
    "not_shared": "It is not shared with family or friends.",
    "antivirus": "It has antivirus and anti-spyware software installed.",
    "os_up_to_date": "Its operating system is up to date.",
}


def term_key(school: School, today: datetime.date) -> str:
    """This term, for confirmations: the school's term containing (or last before) today, else by month."""
    from homelearning.core.models import Term

    term = Term.objects.filter(school=school, first_day__lte=today).order_by("-first_day").first()
    if term is not None and today <= term.last_day + datetime.timedelta(days=60):
        return f"term-{term.first_day.isoformat()}"
    season = "autumn" if today.month >= 9 else "spring" if today.month <= 3 else "summer"
    return f"{today.year}-{season}"


def device_confirmed(staff: Staff, today: datetime.date) -> bool:
    """Read on every staff request when the school holds data back: a cache hit costs no query."""
    day_key = f"privacy:device:{staff.pk}:{today.isoformat()}"
    if cache.get(day_key):
        return True
    confirmed = DeviceConfirmation.objects.filter(staff=staff, term_key=term_key(staff.school, today)).exists()
    if confirmed:
        cache.set(day_key, True, 3600)
    return confirmed


@transaction.atomic
def device_confirm(*, staff: Staff, points: dict[str, bool], today: datetime.date) -> DeviceConfirmation:
    missing = [label for name, label in DEVICE_POINTS.items() if not points.get(name)]
    if missing:
        raise ServiceError(
            "Confirm all six points. Not confirmed: "
            + " ".join(missing)
            + " If your device does not meet a point, speak to the school's IT lead before using it for pupil data."
        )
    key = term_key(staff.school, today)
    confirmation, created = DeviceConfirmation.objects.get_or_create(
        staff=staff, term_key=key, defaults={"school": staff.school, **{name: True for name in DEVICE_POINTS}}
    )
    if created:
        audit(action="privacy.device.confirm", actor=staff.user, school=staff.school, details={"term": key})
    return confirmation


def device_overview(school: School, today: datetime.date) -> list[tuple[Staff, DeviceConfirmation | None]]:
    key = term_key(school, today)
    confirmations = {
        c.staff_id: c for c in DeviceConfirmation.objects.filter(school=school, term_key=key).order_by("confirmed_at")
    }
    staff = Staff.objects.filter(school=school, is_active=True).select_related("user").order_by("surname", "first_name")
    return [(s, confirmations.get(s.pk)) for s in staff]


# --- Policy review reminder (POL-01) ---------------------------------------------------------------


def site_url(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def policy_review_remind(*, policy: PolicyVersion, today: datetime.date) -> int:
    """Email the headteacher(s) once that the policy's review date is near. Returns emails queued."""
    if not policy.in_force or not policy.review_is_due(today):
        return 0
    _reminder, created = PolicyReviewReminder.objects.get_or_create(policy=policy)
    if not created:
        return 0
    heads = Staff.objects.filter(
        school=policy.school_id, is_active=True, user__is_active=True, roles__role=Role.HEADTEACHER
    ).select_related("user")
    sent = 0
    for head in heads.distinct():
        email_queue(
            to=head.user.email,
            subject=f"{policy.label}: review due by {policy.review_date:%-d %B %Y}",
            body_text=(
                f"Dear {head.display_name},\n\n"
                f"The {policy.label} dated {policy.policy_date:%B %Y} is due for review by "
                f"{policy.review_date:%-d %B %Y}.\n\n"
                f"Read it and its linked policies: {site_url(reverse('privacy:policy_in_force'))}\n"
                f"Publish the reviewed figures: {site_url(reverse('people:policy'))}\n"
            ),
            kind="privacy.policy_review",
            school=policy.school,
        )
        sent += 1
    audit(action="privacy.policy_review.remind", actor=None, school=policy.school, target=policy, details={"to": sent})
    return sent


SAR_WARNING_DAYS = 7


def sar_deadline_remind(*, school: School, today: datetime.date) -> int:
    """One email to each headteacher and office member when open requests are due within a week or overdue."""
    due = list(
        SubjectAccessRequest.objects.filter(
            school=school,
            status=SubjectAccessRequest.Status.OPEN,
            due_on__lte=today + datetime.timedelta(days=SAR_WARNING_DAYS),
        ).order_by("due_on")
    )
    if not due:
        return 0
    lines = [
        f"- {sar.get_subject_kind_display()} (received {sar.received_on:%-d %b}): "
        + (f"overdue since {sar.due_on:%-d %b}" if sar.due_on < today else f"respond by {sar.due_on:%a %-d %b}")
        for sar in due
    ]
    body = (
        f"{len(due)} subject access request{'s need' if len(due) != 1 else ' needs'} an answer soon:\n\n"
        + "\n".join(lines)
        + f"\n\nOpen them in Home Learning: {site_url(reverse('privacy:sar_list'))}\n"
    )
    recipients = (
        Staff.objects.filter(
            school=school, is_active=True, user__is_active=True, roles__role__in=[Role.HEADTEACHER, Role.OFFICE]
        )
        .select_related("user")
        .distinct()
    )
    sent = 0
    for member in recipients:
        email_queue(
            to=member.user.email,
            subject=f"Subject access requests due: {len(due)}",
            body_text=body,
            kind="privacy.sar_due",
            school=school,
        )
        sent += 1
    return sent
