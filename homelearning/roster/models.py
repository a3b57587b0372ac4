"""Imports from the school's MIS: the column mapping each school saved, and each upload's preview."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from homelearning.people.models import School, User, new_code


class ImportKind(models.TextChoices):
    PUPILS = "pupils", "Pupils and their parents and carers"
    STAFF = "staff", "Staff"


class ColumnMapping(models.Model):
    """Which column of the school's MIS export holds which field, saved and offered next time."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    columns = models.JSONField(default=dict, help_text="Field name to the file's column heading.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="one_mapping_per_school_and_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} columns for {self.school}"


class ImportBatch(models.Model):
    """One uploaded file: its rows while it waits, its preview, and whether it was committed."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        CSV = "csv", "CSV export"
        CTF = "ctf", "Common Transfer File"
        WONDE = "wonde", "Wonde (the MIS)"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.CSV)
    file_name = models.CharField(max_length=200)
    full = models.BooleanField(
        "full import", default=True, help_text="The file lists everyone on roll: pupils missing from it have left."
    )
    default_class_name = models.CharField(max_length=60, blank=True, help_text="The class new pupils join (CTF).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    # The file's table (headings and rows) or, for a CTF, its records. Emptied once committed or failed.
    table = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def problems(self) -> list[dict[str, object]]:
        return list(self.preview.get("problems", []))

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.PREVIEWED and not self.problems


class WondeSettings(models.Model):
    """A school's link to its MIS through Wonde (issue 17). The token is the deployment's (WONDE_TOKEN)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="wonde_settings")
    wonde_school_id = models.CharField("Wonde school ID", max_length=20, help_text="Like A1930499544.")
    nightly = models.BooleanField("sync every night", default=True)
    write_back = models.BooleanField(
        "write remote-education marks to the MIS",
        default=False,
        help_text="Needs Wonde's attendance write-back permission. Off: download the register CSV instead.",
    )
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "Wonde settings"

    def __str__(self) -> str:
        return f"Wonde {self.wonde_school_id} for {self.school}"


class MarkWriteBack(models.Model):
    """One remote-education register mark on its way to the MIS: sent, or rejected and tried again each night."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "In the MIS"
        REJECTED = "rejected", "Rejected by the MIS"

    mark = models.OneToOneField("provision.RegisterMark", on_delete=models.CASCADE, related_name="write_back")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["school", "status"], name="writeback_school_status")]

    def __str__(self) -> str:
        return f"{self.mark} {self.status}"
