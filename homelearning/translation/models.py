"""Machine translations of the school's own words (issue 16, step 2), one row per source text and language."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from homelearning.people.models import School


class MachineTranslation(models.Model):
    """The provider's translation of one text, found again by the SHA-256 of the text as written.

    `text` is stored with names restored (it is the school's data, like its source); what the provider saw
    had every name replaced by a placeholder (translation.masking). An edited text has a new hash, so a
    translation never outlives the words it translates; rows go with their school.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    source_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    text = models.TextField()
    provider = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "source_hash", "language"], name="one_translation_per_text"),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.source_hash[:12]}"
