"""Data protection: subject access requests, the retention schedule, staff device confirmations, settings."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homelearning.people.models import Carer, PolicyVersion, Pupil, School, Staff, User, new_code

# The policy's "Links with other policies", offered until the headteacher edits the list.
DEFAULT_LINKED_POLICIES = [
    {"title": "Behaviour Policy", "url": ""},
    {"title": "Anti-Bullying Policy", "url": ""},
    {"title": "Whole School Safeguarding Policy", "url": ""},
    {"title": "GDPR Policy", "url": ""},
    {"title": "Online Safety Policy", "url": ""},
    {"title": "Staff Code of Conduct", "url": ""},
    {"title": "Parent and Visitor Code of Conduct", "url": ""},
]


def default_linked_policies() -> list[dict[str, str]]:
    return [dict(p) for p in DEFAULT_LINKED_POLICIES]


# How long an API token works from when it is made, unless the school chooses otherwise.
DEFAULT_API_TOKEN_DAYS = 90
MAX_API_TOKEN_DAYS = 366
# "Remember this phone" for parents: like a banking app's trusted device, revocable by the parent.
DEFAULT_CARER_REMEMBER_DAYS = 30
MAX_CARER_REMEMBER_DAYS = 90


class PrivacySettings(models.Model):
    """One row per school, created on demand."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="privacy_settings")
    devices_required = models.BooleanField(
        "staff confirm their device before seeing pupil data",
        default=False,
        help_text="Staff who have not confirmed this term's device checks see only the confirmation page.",
    )
    linked_policies = models.JSONField(default=default_linked_policies, blank=True)
    api_token_days = models.PositiveSmallIntegerField(
        "API tokens work for (days)",
        default=DEFAULT_API_TOKEN_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_API_TOKEN_DAYS)],
    )
    # Roles that must use an authenticator app, beyond those that always must (people.models.MFA_ROLES).
    extra_mfa_roles = models.JSONField(default=list, blank=True)
    carer_remember_days = models.PositiveSmallIntegerField(
        "parents' phones stay signed in for (days)",
        default=DEFAULT_CARER_REMEMBER_DAYS,
        validators=[MaxValueValidator(MAX_CARER_REMEMBER_DAYS)],
        help_text="0: parents sign in with a new emailed code each day.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "privacy settings"

    def __str__(self) -> str:
        return f"Privacy settings for {self.school}"


class SubjectAccessRequest(models.Model):
    """A request from a person for everything the school holds about a pupil or a carer (UK GDPR Art. 15)."""

    class Subject(models.TextChoices):
        PUPIL = "pupil", "A pupil"
        CARER = "carer", "A parent or carer"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Sent to the requester"

    class Safeguarding(models.TextChoices):
        UNDECIDED = "undecided", "Not yet decided by the DSL"
        INCLUDE = "include", "Included (DSL decision)"
        WITHHOLD = "withhold", "Withheld (DSL decision)"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    subject_kind = models.CharField(max_length=5, choices=Subject.choices)
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the register of requests still reads once a subject is anonymised.
    subject_label = models.CharField(max_length=200)
    requested_by = models.CharField("who asked", max_length=200)
    received_on = models.DateField("date received")
    due_on = models.DateField("respond by")
    redact_third_parties = models.BooleanField("redact other people's names", default=True)
    safeguarding = models.CharField(max_length=10, choices=Safeguarding.choices, default=Safeguarding.UNDECIDED)
    safeguarding_reason = models.TextField(blank=True)
    safeguarding_decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    safeguarding_decided_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_exported_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("status", "due_on", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="sar_due_after_received"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False), name="sar_completed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.code}"

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == self.Status.OPEN and today > self.due_on


class RecordType(models.TextChoices):
    REGISTER = "register", "Attendance register marks"
    SAFEGUARDING = "safeguarding", "Safeguarding records"
    WORK = "work", "Pupils' work, comments and feedback"
    LIVE_REGISTERS = "live_registers", "Live-session registers"
    CALL_LOGS = "call_logs", "Call logs"
    EMAILS = "emails", "Records of sent emails"
    PUPIL_LEAVERS = "pupil_leavers", "Pupils who have left (anonymised)"
    CARER_LEAVERS = "carer_leavers", "Parents and carers whose children have all left (anonymised)"


class RetentionRule(models.Model):
    """How long one kind of record is kept. The unit and what it counts from depend on the record type."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="retention_rules")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    period = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("record_type",)
        constraints = [models.UniqueConstraint(fields=["school", "record_type"], name="retention_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.period}"


class RetentionRun(models.Model):
    """One pass of the retention schedule: a dry run (what would go) or a real one (what went).

    The report holds counts and codes per record type, never the content that was removed.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    dry_run = models.BooleanField()
    run_on = models.DateField()
    report = models.JSONField(default=dict)
    started_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Retention pass'} on {self.run_on}"

    @property
    def total(self) -> int:
        return sum(int(section.get("count", 0)) for section in self.report.values())


class Anonymised(models.Model):
    """A marker that a pupil or carer was anonymised on schedule, so they are not processed twice."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.OneToOneField(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    carer = models.OneToOneField(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "anonymised people"
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=False, carer__isnull=True) | Q(pupil__isnull=True, carer__isnull=False),
                name="anonymised_pupil_or_carer",
            )
        ]

    def __str__(self) -> str:
        return f"Anonymised {'pupil' if self.pupil_id else 'carer'} on {self.at:%Y-%m-%d}"


class DeviceConfirmation(models.Model):
    """A member of staff's termly confirmation that their device meets the policy's six points (DPR-04)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="device_confirmations")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    term_key = models.CharField(max_length=20, help_text="The school term, e.g. 2026-autumn.")
    password_protected = models.BooleanField()
    disk_encrypted = models.BooleanField()
    locks_when_idle = models.BooleanField()
    not_shared = models.BooleanField()
    antivirus = models.BooleanField()
    os_up_to_date = models.BooleanField()
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-confirmed_at",)
        constraints = [
            models.UniqueConstraint(fields=["staff", "term_key"], name="device_confirmed_once_a_term"),
            # A confirmation is all six points or nothing: the database refuses a partial one.
            models.CheckConstraint(
                condition=Q(
                    password_protected=True,
                    disk_encrypted=True,
                    locks_when_idle=True,
                    not_shared=True,
                    antivirus=True,
                    os_up_to_date=True,
                ),
                name="device_confirmation_all_six",
            ),
        ]

    def __str__(self) -> str:
        return f"Device confirmation {self.term_key} by {self.staff}"


class PolicyReviewReminder(models.Model):
    """The headteacher was reminded that a policy version's review date is near (sent once per version)."""

    policy = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Review reminder for {self.policy}"
