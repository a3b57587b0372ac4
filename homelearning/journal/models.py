"""Work sent home-to-school, the feedback on it, comments, and their weekly moderation."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from homelearning.learning.models import Activity
from homelearning.people.models import Carer, Pupil, School, Staff, User, new_code


class JournalStorage(FileSystemStorage):
    """Files with no public URL at all: only the access-checked journal view serves them."""

    @cached_property
    def base_location(self) -> str:
        # Read on use (and reset by Django when MEDIA_ROOT changes), not frozen at import.
        return str(Path(settings.MEDIA_ROOT) / "private")

    def url(self, name: str | None) -> str:
        raise ValueError("Journal files have no public URL; link to journal:file instead.")


_storage = JournalStorage()


def journal_storage() -> FileSystemStorage:
    return _storage


class WorkItem(models.Model):
    """One piece of work a carer sent for their child."""

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for feedback")
        REVIEWED = "reviewed", _("Feedback given")

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="work_items")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    sent_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_by_label = models.CharField(max_length=200)
    on_paper = models.BooleanField("work done on paper and returned to school", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Weekly moderation by senior leaders (MON-01/02).
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["pupil", "status"]), models.Index(fields=["school", "moderated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new") | Q(reviewed_at__isnull=False), name="journal_reviewed_has_time"
            )
        ]

    def __str__(self) -> str:
        return f"Work {self.code}"


class WorkFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Photo"
        PDF = "pdf", "PDF"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(storage=journal_storage, max_length=200)
    thumbnail = models.FileField(storage=journal_storage, max_length=200, blank=True)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.kind == self.Kind.PDF else "image/jpeg"


class Feedback(models.Model):
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="feedback")
    by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200)
    text = models.TextField(max_length=4000)
    by_phone = models.BooleanField("given by phone", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # When a carer first opened the work it answers (an engagement signal, issue 18). Feedback given by
    # phone was heard as it was given. Emails are not tracked: no pixels, no rewritten links.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Feedback on {self.item_id}"


class Comment(models.Model):
    code = models.SlugField(max_length=40, unique=True, default=new_code)
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200)
    by_staff = models.BooleanField(default=False)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden_reason = models.CharField(max_length=300, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="journal_hidden_comment_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.code}"


class CallRequest(models.Model):
    """A call back a carer asked for, or one staff scheduled for a family that would benefit (FBK-05)."""

    class Status(models.TextChoices):
        OPEN = "open", "To call"
        DONE = "done", "Called"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="call_requests")
    asked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_by_label = models.CharField(max_length=200)
    by_staff = models.BooleanField("scheduled by staff", default=False)
    reason = models.TextField(max_length=1000)
    good_times = models.CharField("good times to call", max_length=200, blank=True)
    call_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    follow_up = models.CharField(max_length=300, blank=True)
    called_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(called_at__isnull=False), name="journal_call_done_has_time"
            )
        ]

    def __str__(self) -> str:
        return f"Call {self.code}"


class FeedbackEmailChoice(models.Model):
    """How a carer hears about feedback: an email each time, or one digest a day. No row: each time."""

    class How(models.TextChoices):
        EACH = "each", _("An email each time a teacher gives feedback")
        DIGEST = "digest", _("One email a day with all new feedback")

    carer = models.OneToOneField(Carer, on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=6, choices=How.choices, default=How.EACH)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.carer_id}: {self.how}"


class DigestEntry(models.Model):
    """Feedback waiting for a carer's daily digest; `sent_at` is set when the digest is queued."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["sent_at", "carer"])]
        constraints = [models.UniqueConstraint(fields=["carer", "feedback"], name="journal_digest_once")]

    def __str__(self) -> str:
        return f"Digest entry {self.pk}"
