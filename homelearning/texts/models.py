"""Text messages (issue 16, step 4): every one kept until sent, like emails; each school's monthly allowance;
and the office's "call or post" list of what no email or text could carry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from homelearning.people.models import Carer, School, Staff, new_code

DEFAULT_MONTHLY_SEGMENTS = 500


class OutboundText(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=60, help_text="What the text is for, e.g. account.login_code.")
    to = models.CharField(max_length=20, help_text="E.164, e.g. +447700900123.")
    body = models.TextField(max_length=918)  # six segments of GSM-7 at most
    segments = models.PositiveSmallIntegerField()
    # What the office would tell the family (in English) if the text cannot go: the call-or-post list's words.
    office_note = models.TextField(blank=True, max_length=2000)
    # A sign-in code: its words are removed once sent.
    is_secret = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["school", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.get_status_display()})"


class TextAllowance(models.Model):
    """How many text segments a school sends a month at most; the office is warned at 80%."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="text_allowance")
    monthly_segments = models.PositiveIntegerField(default=DEFAULT_MONTHLY_SEGMENTS)
    warned_for = models.CharField(max_length=7, blank=True, help_text="The month (YYYY-MM) the office was warned.")

    def __str__(self) -> str:
        return f"{self.school}: {self.monthly_segments} a month"


class CallOrPost(models.Model):
    """A message for a family that neither email nor text could carry: the office rings or posts it."""

    class Reason(models.TextChoices):
        NO_CONTACT = "no_contact", "No email address or mobile number"
        TEXT_FAILED = "text_failed", "The text could not be delivered"
        OVER_LIMIT = "over_limit", "This month's texts are used up"

    class Done(models.TextChoices):
        CALLED = "called", "Rang them"
        POSTED = "posted", "Posted it"
        NOT_NEEDED = "not_needed", "Not needed any more"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    message = models.TextField(max_length=2000, help_text="What to tell the family, in English for the office.")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    done = models.CharField(max_length=12, choices=Done.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["school", "done"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.carer_id} ({self.get_reason_display()})"
