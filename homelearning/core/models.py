"""Audit log, school calendar and outgoing email."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from homelearning.people.models import School, new_code


class AppendOnlyError(Exception):
    """The audit log is append-only: rows are never changed or removed by the app."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")


class AuditEvent(models.Model):
    """Who did what, to what, when and from where. Written by services; never edited."""

    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the entry still reads correctly once an account is anonymised.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_code = models.CharField(max_length=60, blank=True, db_index=True)
    target_label = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["school", "-created_at"], name="audit_school_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60)
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        ordering = ("first_day",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["school", "first_day"], name="term_start_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day:%d %b %Y} to {self.last_day:%d %b %Y})"


class NonSchoolDay(models.Model):
    """A weekday in term with no school: an INSET day or a planned closure."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET (staff training) day"
        PLANNED_CLOSURE = "planned_closure", "Planned closure"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="non_school_days")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("date",)
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="non_school_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%a %d %b %Y}: {self.get_kind_display()}"


class OutboundEmail(models.Model):
    """Every email the system sends, kept so that none is silently lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60, help_text="What the email is for, e.g. account.login_code.")
    from_email = models.CharField(max_length=254)
    to = models.EmailField()
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Small text attachments, e.g. a live session's calendar file: [{"filename", "content", "mimetype"}].
    attachments = models.JSONField(default=list, blank=True)
    # Login codes and similar: shown in the demo outbox, never kept past sending in production.
    is_secret = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed attempt: not sent again before this (the backoff). Empty: ready now.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The job (its id) whose batch holds this email while SENDING, so a dead worker's batch can be handed back.
    claimed_by = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.get_status_display()})"


class DailyRun(models.Model):
    """One row per daily task per day: `enqueue_daily` may run on several hosts or twice; the job is queued once."""

    task_path = models.CharField(max_length=200)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-day", "task_path")
        constraints = [models.UniqueConstraint(fields=["task_path", "day"], name="daily_run_once")]

    def __str__(self) -> str:
        return f"{self.task_path} on {self.day}"
