"""Questions from families: general enquiries go to the office, learning enquiries to the class staff (FBK-04)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homelearning.people.models import Pupil, School, Staff, User, new_code


class Enquiry(models.Model):
    class About(models.TextChoices):
        LEARNING = "learning", _("Learning (goes to the class teacher)")
        GENERAL = "general", _("Anything else (goes to the school office)")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a reply")
        ANSWERED = "answered", _("Answered")

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="enquiries")
    asked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_by_label = models.CharField(max_length=200)
    about = models.CharField(max_length=8, choices=About.choices)
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(blank=True, max_length=4000)
    answered_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_by_label = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["school", "about", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(about="learning") | Q(pupil__isnull=False), name="contact_learning_enquiry_has_pupil"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(answered_at__isnull=False), name="contact_answered_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.code}"
