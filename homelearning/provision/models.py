"""Who receives remote education: closures, individual cases, and the register marks they make."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homelearning.people.models import Carer, Pupil, School, SchoolClass, Staff, YearGroup, new_code


class AbsenceCode(models.Model):
    """One of the 2024 English attendance codes, held as data (seeded by a migration)."""

    class Category(models.TextChoices):
        ATTENDANCE = "attendance", "Counts as attendance"
        AUTHORISED = "authorised", "Authorised absence"
        UNAUTHORISED = "unauthorised", "Unauthorised absence"
        NOT_COUNTED = "not_counted", "Not counted as a possible session"

    code = models.CharField(max_length=2, primary_key=True)
    meaning = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    is_present = models.BooleanField(
        default=False, help_text="A present mark (/ \\ L). Never used for a day of remote education."
    )

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code}: {self.meaning}"


class Closure(models.Model):
    class Reason(models.TextChoices):
        GOVERNMENT_GUIDANCE = "government_guidance", _("Government guidance")
        PUBLIC_HEALTH = "public_health", _("Public-health advice")
        EXTREME_WEATHER = "extreme_weather", _("Extreme weather")
        CRITICAL_INCIDENT = "critical_incident", _("Critical incident")

    class Scope(models.TextChoices):
        WHOLE_SCHOOL = "whole", "Whole school"
        YEAR_GROUPS = "year_groups", "Some year groups"
        CLASSES = "classes", "Some classes"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        ENDED = "ended", "Ended"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    year_groups = models.ManyToManyField(YearGroup, blank=True, related_name="closures")
    classes = models.ManyToManyField(SchoolClass, blank=True, related_name="closures")
    # "whole", "year_groups:1,2" or "classes:3,7": what makes two declarations the same closure.
    scope_key = models.CharField(max_length=400)
    first_day = models.DateField()
    last_day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    absence_code = models.ForeignKey(AbsenceCode, on_delete=models.PROTECT, related_name="+")
    declared_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    carers_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-first_day", "-id")
        constraints = [
            models.UniqueConstraint(fields=["school", "scope_key", "first_day"], name="closure_declared_once"),
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="closure_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} closure from {self.first_day:%-d %B %Y}"


class Case(models.Model):
    """An individual pupil's request for remote education, and what became of it."""

    class Reason(models.TextChoices):
        MEDICAL = "medical", "Long-term medical diagnosis under treatment"
        MOBILITY = "mobility", "Temporary mobility issue"
        HOLIDAY = "holiday", "Holiday in term time"
        SHORT_ILLNESS = "short_illness", "Short-term illness"
        MISBEHAVIOUR = "misbehaviour", "Misbehaviour"

    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared (assessment and agreement)"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        REFUSED = "refused", "Refused"

    OPEN_STATUSES = (Status.PREPARING, Status.ACTIVE)

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cases")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="remote_cases")
    requested_by = models.CharField("who asked", max_length=200)
    requested_on = models.DateField("when they asked")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    refusal_reason = models.TextField(blank=True)
    medical_professional_involved = models.BooleanField(default=False)
    absence_code = models.ForeignKey(AbsenceCode, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    return_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    activated_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-recorded_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status__in=["preparing", "active"]), name="one_open_case_per_pupil"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="case_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} case for {self.pupil}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_on = models.DateField()
    assessed_by = models.CharField(max_length=200)
    findings = models.TextField()
    document = models.FileField(upload_to="provision/assessments/%Y/", blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-assessed_on", "-id")

    def __str__(self) -> str:
        return f"Risk assessment {self.assessed_on}"


class MedicalAdvice(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="medical_advice")
    advised_by = models.CharField("from whom", max_length=200)
    advised_on = models.DateField()
    summary = models.TextField()
    document = models.FileField(upload_to="provision/medical/%Y/", blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-advised_on", "-id")
        verbose_name_plural = "medical advice"

    def __str__(self) -> str:
        return f"Medical advice {self.advised_on}"


class AgreementParty(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "The school"
        CARER = "carer", "Carer with parental responsibility"
        PUPIL = "pupil", "The pupil"
        MEDICAL = "medical", "Medical professional"
        LOCAL_AUTHORITY = "la", "Local authority"

    class How(models.TextChoices):
        MEETING = "meeting", "At a meeting"
        SIGNED_FORM = "signed_form", "Signed form"
        EMAIL = "email", "By email"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_how = models.CharField(max_length=20, choices=How.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        verbose_name_plural = "agreement parties"
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "carer"], name="party_once_per_case"),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(carer__isnull=True), name="non_carer_party_once_per_case"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def has_agreed(self) -> bool:
        return self.recorded_at is not None


class Review(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue to a new end date"
        RETURN = "return", "Return to school on a date"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    support = models.TextField("support and flexibilities in place")
    reintegration_plan = models.TextField("reintegration plan")
    reintegration_steps = models.TextField("steps of the plan", blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    new_end_date = models.DateField(null=True, blank=True)
    return_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-held_on", "-id")

    def __str__(self) -> str:
        return f"Review {self.held_on}"


class CodeRule(models.Model):
    """Which register code the 2024 regulations give a reason for absence (and, for closures, a scope).

    Held as data, seeded by a migration (provision/migrations/0003_code_rules.py), so it can follow the
    regulations without a code change (ATT-01). A closure takes the one usual code for its reason and
    scope. An individual case takes the usual code for its reason, and the decision-maker may choose
    any other code the guidance allows for that reason.
    """

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Closure"
        CASE = "case", "Individual case"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=30)
    # A closure's scope; blank for individual cases.
    scope = models.CharField(max_length=20, blank=True)
    absence_code = models.ForeignKey(AbsenceCode, on_delete=models.PROTECT, related_name="+")
    is_usual = models.BooleanField(default=False)
    when = models.CharField(max_length=300, help_text="When this code is the right one, in the guidance's terms.")

    class Meta:
        ordering = ("kind", "reason", "scope", "-is_usual", "absence_code")
        constraints = [
            models.UniqueConstraint(fields=["kind", "reason", "scope", "absence_code"], name="code_rule_once"),
            models.UniqueConstraint(
                fields=["kind", "reason", "scope"], condition=Q(is_usual=True), name="code_rule_one_usual"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reason} {self.scope or ''} → {self.absence_code_id}"


# Closure and case reasons share one column on the register mark; their values never overlap.
MARK_REASONS = {**dict(Closure.Reason.choices), **dict(Case.Reason.choices)}


class RegisterMark(models.Model):
    """One session of the attendance register for a pupil learning remotely."""

    class Session(models.TextChoices):
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="register_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    absence_code = models.ForeignKey(AbsenceCode, on_delete=models.PROTECT, related_name="+")
    # The reason for the absence, kept beside the code (a closure's or a case's reason; MARK_REASONS).
    reason = models.CharField(max_length=30)
    closure = models.ForeignKey(Closure, null=True, blank=True, on_delete=models.CASCADE, related_name="marks")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="marks")

    class Meta:
        ordering = ("date", "session")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date", "session"], name="one_mark_per_session"),
            models.CheckConstraint(
                condition=Q(closure__isnull=False, case__isnull=True) | Q(closure__isnull=True, case__isnull=False),
                name="mark_from_closure_or_case",
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="mark_school_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.absence_code_id}"

    @property
    def reason_label(self) -> str:
        return str(MARK_REASONS.get(self.reason, self.reason))


class IllnessAlert(models.Model):
    """The headteacher was told a pupil reached the illness threshold (so they are told once)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="illness_alert")
    school_days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Illness alert for {self.pupil}"
