"""Safeguarding records: concerns and their entries (append-only), vulnerable pupils, contacts, filtering alerts."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.utils import timezone

from homelearning.people.models import Pupil, School, Staff, User, new_code


class AppendOnlyError(Exception):
    """A submitted safeguarding record is never changed or removed: corrections are new entries."""


class SafeguardingSettings(models.Model):
    """One row per school, created on demand."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="safeguarding_settings")
    headteacher_sees_records = models.BooleanField(
        "the headteacher sees safeguarding records",
        default=True,
        help_text="Keeping Children Safe in Education leaves this to the school; most heads do.",
    )
    # Which column of the filtering provider's CSV holds each of our fields, mapped once by the DSL
    # and offered again on the next import: {"occurred_at": "Date/Time", "user": "Username", ...}.
    alert_columns = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Safeguarding settings for {self.school}"


class ConcernCategory(models.Model):
    """What a concern is about. Rows come from a data migration; schools share them."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    for_families = models.BooleanField(default=False, help_text="Used for worries reported by a parent or carer.")

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "concern categories"

    def __str__(self) -> str:
        return self.name


class VulnerabilityReason(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses updates (except the fields a state change may set) and deletes."""

    state_fields: frozenset[str] = frozenset()

    def update(self, **kwargs: Any) -> int:
        refused = set(kwargs) - self.state_fields
        if refused:
            raise AppendOnlyError(f"A submitted safeguarding record cannot be edited ({', '.join(sorted(refused))}).")
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Safeguarding records cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("A submitted safeguarding record cannot be edited.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("A submitted safeguarding record cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Safeguarding records cannot be deleted.")


class ConcernQuerySet(AppendOnlyQuerySet):
    # Acknowledging and closing are state changes by conditional update; the account itself never changes.
    state_fields = frozenset({"status", "acknowledged_at", "acknowledged_by", "closed_at", "closed_by"})


class Concern(AppendOnlyModel):
    class Status(models.TextChoices):
        RAISED = "raised", "Waiting for the DSL"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    class RaisedAs(models.TextChoices):
        STAFF = "staff", "Staff"
        CARER = "carer", "Parent or carer"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupils = models.ManyToManyField(Pupil, through="ConcernPupil", related_name="+")
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    seen_or_heard = models.TextField("what was seen or heard")
    happened_at = models.DateTimeField("when it happened")
    action_taken = models.TextField("action taken so far", blank=True)
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_by_label = models.CharField(max_length=200)
    raised_as = models.CharField(max_length=10, choices=RaisedAs.choices, default=RaisedAs.STAFF)
    # Where it was raised from: any app may attach its object (journal item, live session, contact…).
    source_type = models.CharField(max_length=40, blank=True)
    source_code = models.CharField(max_length=60, blank=True)
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.RAISED, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ("-raised_at", "-id")
        indexes = [models.Index(fields=["source_type", "source_code"], name="concern_source")]

    def __str__(self) -> str:
        return f"Concern {self.code} ({self.category})"

    @property
    def time_to_acknowledge(self) -> Any:
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at - self.raised_at


class ConcernPupil(AppendOnlyModel):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="pupil_links")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["concern", "pupil"], name="concern_pupil_once")]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.concern}"


class ConcernEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        ACTION = "action", "Action"
        DECISION = "decision", "Decision"
        OUTCOME = "outcome", "Outcome"
        NOTE = "note", "Note"
        CORRECTION = "correction", "Correction"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    reason = models.TextField("reasons for the decision", blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        verbose_name_plural = "concern entries"
        constraints = [
            models.CheckConstraint(condition=~Q(kind="decision") | ~Q(reason=""), name="decision_has_reason"),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(corrects__isnull=False), name="correction_points_at_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.concern}"


class VulnerablePupil(models.Model):
    """A pupil on the DSL team's vulnerable list for one reason, from a date (until a date)."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    reason = models.ForeignKey(VulnerabilityReason, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pupil__surname", "started_on")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "reason"], condition=Q(ended_on__isnull=True), name="vulnerable_open_reason_once"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="vulnerable_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} ({self.reason})"


class Contact(AppendOnlyModel):
    """A welfare contact with a vulnerable pupil's family, by the class teacher or the DSL team."""

    class By(models.TextChoices):
        TEACHER = "teacher", "Class teacher"
        DSL = "dsl", "DSL team"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        DOORSTEP = "doorstep", "Doorstep visit"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    by = models.CharField("contact for", max_length=10, choices=By.choices)
    made_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    contacted_at = models.DateTimeField("when")
    method = models.CharField("how", max_length=10, choices=Method.choices)
    spoke_to_child = models.BooleanField("spoke to the child")
    outcome = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("-contacted_at", "-id")
        indexes = [models.Index(fields=["pupil", "by", "-contacted_at"], name="contact_pupil_latest")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} with {self.pupil}'s family"


class FilterAlert(models.Model):
    """An alert from the school's filtering or monitoring system, and what the DSL did about it."""

    class Triage(models.TextChoices):
        NEW = "new", "Not yet triaged"
        NO_ACTION = "no_action", "No action needed"
        SPOKEN_TO = "spoken_to", "Spoken to the user"
        CONCERN = "concern", "Concern raised"

    class Source(models.TextChoices):
        HAND = "hand", "Logged by hand"
        CSV = "csv", "Imported"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField("when")
    device_user = models.CharField("user", max_length=200)
    device = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=200)
    detail = models.TextField("what was blocked or flagged", blank=True)
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.HAND)
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    triage = models.CharField(max_length=10, choices=Triage.choices, default=Triage.NEW, db_index=True)
    triage_note = models.TextField(blank=True)
    triaged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    concern = models.ForeignKey(Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-occurred_at", "-id")

    def __str__(self) -> str:
        return f"{self.category} alert for {self.device_user}"
