"""Live sessions: scheduled by class staff, entered through Home Learning's own waiting room."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from homelearning.people.models import Carer, Pupil, School, SchoolClass, Staff, User, new_code


class LiveAgreement(models.Model):
    """One published version of the Live Remote Learning Agreement (its text is data, not code)."""

    version = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ("-version",)

    def __str__(self) -> str:
        return f"Live Remote Learning Agreement v{self.version}"


class LiveSession(models.Model):
    class Kind(models.TextChoices):
        STORY_TIME = "story_time", "Weekly live story time and well-being session"
        GROUP_CALL = "group_call", "Group live call"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="live_sessions")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="live_sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    host = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="live_sessions_hosted")
    monitor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="live_sessions_monitored")
    provider = models.CharField(max_length=20, default="demo")
    provider_started = models.BooleanField(default=False)
    provider_create_time = models.CharField(max_length=40, blank=True)
    provider_meeting_id = models.CharField(max_length=400, blank=True, help_text="The provider's id of the meeting.")
    provider_join_url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("starts_at",)
        constraints = [
            models.CheckConstraint(condition=~Q(host=models.F("monitor")), name="live_host_is_not_monitor"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="live_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.school_class}, {self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def opens_at(self) -> datetime.datetime:
        """Carers may come into the waiting room from a few minutes before the start."""
        return self.starts_at - datetime.timedelta(minutes=OPENS_MINUTES_BEFORE)

    def is_open(self, now: datetime.datetime) -> bool:
        return self.status == self.Status.SCHEDULED and self.opens_at <= now < self.ends_at

    def can_be_cancelled(self, now: datetime.datetime) -> bool:
        """Before its waiting room opens a session is cancelled; once open it is ended for everyone."""
        return self.status == self.Status.SCHEDULED and now < self.opens_at


OPENS_MINUTES_BEFORE = 10


class Invitation(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        WAITING = "waiting", "Waiting"
        ADMITTED = "admitted", "Admitted"
        DENIED = "denied", "Turned away"
        HELD = "held", "Held: not allowed to join live sessions"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="invitations")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="live_invitations")
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_invitations", help_text="Emailed to"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    agreement = models.ForeignKey(LiveAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    denied_at = models.DateTimeField(null=True, blank=True)
    denied_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("accepted_at", "pk")
        constraints = [models.UniqueConstraint(fields=["session", "pupil"], name="live_invitation_once_per_child")]

    def __str__(self) -> str:
        return f"Invitation for {self.pupil.first_name} ({self.session.code})"


class LiveIncident(models.Model):
    """A session ended because a risk was perceived (SAF-04)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="incidents")
    reported_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Incident in {self.session.code}"


class LiveBan(models.Model):
    """A child not allowed to join live sessions for a period, after the agreement was broken (LIV-11)."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="live_bans")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.TextField(max_length=2000)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        LiveSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bans",
        help_text="Where it happened",
    )
    follow_up_call = models.ForeignKey(
        "journal.CallRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-starts_at", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="live_ban_has_length")
        ]

    def __str__(self) -> str:
        return f"Live sessions ban {self.code}"

    def covers(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        return self.lifted_at is None and self.starts_at < end and self.ends_at > start


class InvitationRecipient(models.Model):
    """The office sends a child's invitations to another carer of the child (LIV-09)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="live_recipients")
    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ended_at__isnull=True), name="live_one_recipient_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"Invitations for {self.pupil.first_name} to {self.carer}"


class LiveSettings(models.Model):
    """Which video provider a school uses (the credentials stay in the environment, never in the database)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="live_settings")
    provider = models.CharField(max_length=20, blank=True, help_text="Empty: the server's default provider.")
    updated_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "live settings"

    def __str__(self) -> str:
        return f"Live settings of {self.school}"
