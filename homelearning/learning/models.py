"""Daily learning: subjects, the school's resource library, plans per class per school day, and bespoke changes."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homelearning.people.models import Pupil, School, SchoolClass, Staff, YearGroup, new_code

MIN_ACTIVITY_MINUTES = 1
MAX_ACTIVITY_MINUTES = 180


class PrivateStorage(FileSystemStorage):
    """Files with no public URL at all: only access-checked views serve them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Learning files are not accessible via a URL; link to learning:resource_file instead.")


def private_storage() -> FileSystemStorage:
    return PrivateStorage(location=Path(settings.MEDIA_ROOT) / "private")


def _upload_to(instance: Resource, filename: str) -> str:
    # The stored name never uses the uploader's file name; a recording keeps its format's (`filename`).
    if instance.kind == Resource.Kind.AUDIO:
        suffix = ".mp3" if filename.endswith(".mp3") else ".m4a"
    else:
        suffix = ".pdf" if instance.kind == Resource.Kind.WORKSHEET else ".mp4"
    return f"learning/{instance.school_id}/{instance.code}{suffix}"


class Subject(models.Model):
    """An area of learning. Foundation Subjects has sub-subjects (Science, History, ...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        CLIP = "clip", "Teaching clip (MP4)"
        WORKSHEET = "worksheet", "Worksheet (PDF)"
        AUDIO = "audio", "Recorded audio (M4A or MP3)"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="learning_resources")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(max_length=120)
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    year_group = models.ForeignKey(YearGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    provider = models.CharField(max_length=80, blank=True)
    note = models.CharField("note for parents", max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=_upload_to, storage=private_storage, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("title",)
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(file="")) | (~Q(kind="link") & Q(url="") & ~Q(file="")),
                name="resource_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind != self.Kind.LINK


class Plan(models.Model):
    """One class's learning for one school day."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="learning_plans")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="learning_plans")
    date = models.DateField()
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Counts changes to the class's activities (learning.services._touch): parents' cached pages key on it.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("date",)
        constraints = [models.UniqueConstraint(fields=["school_class", "date"], name="one_plan_per_class_per_day")]

    def __str__(self) -> str:
        return f"{self.school_class} {self.date:%a %-d %b %Y}"


class PlanTemplate(models.Model):
    """A reusable day of activities for a year group."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="learning_templates")
    year_group = models.ForeignKey(YearGroup, on_delete=models.CASCADE, related_name="learning_templates")
    name = models.CharField(max_length=80)
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("year_group__position", "name")
        constraints = [models.UniqueConstraint(fields=["year_group", "name"], name="template_name_per_year_group")]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One activity of a plan or template. With `pupil` set it is bespoke: added for, or replacing
    `replaces` for, that pupil only."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replacements")
    position = models.PositiveSmallIntegerField(default=0)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    instructions = models.TextField(blank=True, max_length=4000)
    minutes = models.PositiveSmallIntegerField(
        "estimated minutes",
        validators=[MinValueValidator(MIN_ACTIVITY_MINUTES), MaxValueValidator(MAX_ACTIVITY_MINUTES)],
    )
    resources = models.ManyToManyField(Resource, blank=True, related_name="activities")

    class Meta:
        ordering = ("position", "pk")
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_ACTIVITY_MINUTES, minutes__lte=MAX_ACTIVITY_MINUTES),
                name="activity_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(plan__isnull=False) & Q(template__isnull=True))
                | (Q(plan__isnull=True) & Q(template__isnull=False) & Q(pupil__isnull=True)),
                name="activity_in_plan_or_template",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | Q(pupil__isnull=False), name="only_bespoke_replaces"
            ),
            models.UniqueConstraint(
                fields=["pupil", "replaces"], condition=Q(replaces__isnull=False), name="one_replacement_per_pupil"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityOmission(models.Model):
    """A class activity dropped for one pupil."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="omissions")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "pupil"], name="drop_once_per_pupil")]

    def __str__(self) -> str:
        return f"{self.activity} dropped for {self.pupil_id}"
