"""Engagement (issue 18): the one signal no other app records (a family opened the day's plan), each
school's "quiet after N school days" setting, and what each teacher's daily digest last said.

Every other signal is read from the rows the apps already write: work sent (journal), feedback read
(`journal.Feedback.read_at`), live sessions attended or missed (live), packs collected or returned (packs)
and calls that reached the family (journal). See `selectors.py`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from homelearning.people.models import Pupil, School, Staff, User, new_code

DEFAULT_QUIET_AFTER_SCHOOL_DAYS = 2


class PlanOpening(models.Model):
    """A child's plan for a school day was opened, by a carer or in a pupil's session: one row a child a day.

    Written once (`services.plan_opened`); later openings that day cost a cache lookup and nothing else.
    """

    class By(models.TextChoices):
        CARER = "carer", "A carer"
        PUPIL = "pupil", "The pupil"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    by = models.CharField(max_length=5, choices=By.choices, default=By.CARER)
    first_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "day"], name="one_opening_per_pupil_day")]
        indexes = [models.Index(fields=["school", "day"], name="opening_school_day")]

    def __str__(self) -> str:
        return f"{self.pupil_id} opened {self.day}"


class EngagementSettings(models.Model):
    """One row per school, created on demand."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="engagement_settings")
    quiet_after_school_days = models.PositiveSmallIntegerField(
        "a child is quiet after this many school days with nothing from home",
        default=DEFAULT_QUIET_AFTER_SCHOOL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    updated_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "engagement settings"

    def __str__(self) -> str:
        return f"Engagement settings for {self.school}"


class QuietDigest(models.Model):
    """What a teacher's daily "children gone quiet" email last listed, so it is sent only when that changes."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="+")
    # Sorted "pupil id:status" pairs of the last list sent (or found empty).
    fingerprint = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Quiet digest for {self.staff_id}"


class Trust(models.Model):
    """A multi-academy trust: its leaders read the termly report for any of its schools, or all together.

    Set up with `manage.py trust_set`; a trust leader needs no staff role in any school.
    """

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    name = models.CharField(max_length=200, unique=True)
    schools = models.ManyToManyField(School, blank=True, related_name="trusts")
    leaders = models.ManyToManyField(User, blank=True, related_name="trusts_led")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
