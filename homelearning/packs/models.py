"""Paper learning packs for children without a device or the internet, from request to follow-up call."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from homelearning.journal.models import CallRequest
from homelearning.people.models import Pupil, School, SchoolClass, Staff, new_code


class PackStorage(FileSystemStorage):
    """Printed packs hold a child's name and learning: no public URL, only the access-checked view."""

    @cached_property
    def base_location(self) -> str:
        # Read on use (Django resets it when MEDIA_ROOT changes), not frozen at import.
        return str(Path(settings.MEDIA_ROOT) / "private")

    def url(self, name: str | None) -> str:
        raise ValueError("Packs have no public URL; link to packs:pdf instead.")


_storage = PackStorage()


def pack_storage() -> FileSystemStorage:
    return _storage


class PackSettings(models.Model):
    """The school's figures for packs that the policy version does not hold (the due time and the
    school day's end are in people.PolicyVersion)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="pack_settings")
    at_risk_minutes = models.PositiveSmallIntegerField(
        "a pack is at risk this long before it is due (minutes)",
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    return_after_days = models.PositiveSmallIntegerField(
        "packs come back after (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    school_days_per_pack = models.PositiveSmallIntegerField(
        "school days a pack covers",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name_plural = "pack settings"

    def __str__(self) -> str:
        return f"Pack settings for {self.school}"


class Pack(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        COMPILED = "compiled", "Printed"
        READY = "ready", "Ready for collection"
        COLLECTED = "collected", "Collected"
        RETURNED = "returned", "Returned"
        REVIEWED = "reviewed", "Reviewed by the teacher"
        CALLED = "called", "Follow-up call made"
        CANCELLED = "cancelled", "Cancelled"

    class Via(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        OFFERED = "offered", "Offered by the school"

    # A pack is open (one per child per day) until its call is made or it is cancelled.
    OPEN_STATUSES = (
        Status.REQUESTED,
        Status.COMPILED,
        Status.READY,
        Status.COLLECTED,
        Status.RETURNED,
        Status.REVIEWED,
    )
    # Before it is ready, a pack counts against its deadline.
    NOT_READY_STATUSES = (Status.REQUESTED, Status.COMPILED)

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="packs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    first_day = models.DateField("first day the pack covers")
    last_day = models.DateField("last day the pack covers")
    absence_began = models.DateField("first school day of absence")
    requested_via = models.CharField("how the request came", max_length=10, choices=Via.choices)
    collector = models.CharField("who will collect", max_length=200, blank=True)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField("due by")
    note = models.TextField("note for the family", blank=True, max_length=1000)

    compiled_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    compiled_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(storage=pack_storage, max_length=200, blank=True)
    pages = models.PositiveSmallIntegerField(default=0)
    from_template = models.CharField("year-group template used", max_length=80, blank=True)
    return_by = models.DateField(null=True, blank=True)

    ready_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ready_at = models.DateTimeField(null=True, blank=True)
    carers_told = models.PositiveSmallIntegerField(default=0)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by_name = models.CharField("collected by", max_length=200, blank=True)
    collection_recorded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    return_recorded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    went_well = models.TextField("what went well", blank=True, max_length=2000)
    challenges = models.TextField(blank=True, max_length=2000)
    next_steps = models.TextField("next steps", blank=True, max_length=2000)
    work_item_code = models.CharField("journal entry of the returned work", max_length=40, blank=True)
    call = models.ForeignKey(CallRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_at", "pk")
        indexes = [models.Index(fields=["school", "status"], name="pack_school_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "first_day"],
                condition=Q(
                    status__in=["requested", "compiled", "ready", "collected", "returned", "reviewed"],
                ),
                name="one_open_pack_per_pupil_day",
            ),
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="pack_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(status="cancelled") | Q(compiled_at__isnull=False),
                name="pack_printed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Pack for {self.pupil.first_name} from {self.first_day:%-d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PackBatch(models.Model):
    """A whole class's packs printed in one go: each pack keeps its own PDF; this is the combined one."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Being printed"
        DONE = "done", "Ready to print"
        FAILED = "failed", "Could not be printed"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The joined files, at most PACKS_PER_FILE packs each: [{"name", "count", "first", "last"}, ...].
    files = models.JSONField(default=list)
    pack_count = models.PositiveSmallIntegerField(default=0)
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Packs for {self.school_class} ({self.created_at:%-d %b %Y})"
