"""The school, its policy figures, and its people: staff, classes, pupils and carers."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


def new_code() -> str:
    """An opaque, unguessable identifier for URLs (never a sequential id)."""
    return secrets.token_urlsafe(12)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. What the person may do comes from their Staff and Carer records, per school."""

    email = models.EmailField(unique=True)
    # A carer's mobile (E.164) to sign in with a code by text (issue 16). A carer with a mobile and no email
    # address has a reserved address in `email` that no message is ever sent to (people.services.PHONE_ONLY).
    phone = models.CharField(max_length=16, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Moved on to end every signed-in session of this person at their next request (issue 17: a leaver).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django checks this against the session's copy on every request: a session made before the
        generation moved on no longer matches, and Django signs it out. Generation 0 keeps Django's own hash,
        so sessions made before this field existed still work."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "homelearning.people.User.session_generation",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_staff(self) -> bool:
        # Django's admin is not installed; nobody is "staff" in Django's sense.
        return False


class School(models.Model):
    code = models.SlugField(max_length=40, unique=True, default=new_code)
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
        help_text="The school's Unique Reference Number (six digits).",
    )
    address = models.TextField(blank=True)
    office_email = models.EmailField()
    office_phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    staff_email_domains = models.JSONField(
        default=list,
        help_text="Email domains staff accounts must use, e.g. ['balfour.sch.uk'].",
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def allows_staff_email(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].lower()
        return domain in {d.lower() for d in self.staff_email_domains}


class PolicyVersion(models.Model):
    """The figures of a school's remote learning policy. One version is in force per school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="policy_versions")
    label = models.CharField(max_length=80, default="Remote Learning Policy")
    policy_date = models.DateField(default=datetime.date(2025, 12, 1))
    review_date = models.DateField(default=datetime.date(2027, 12, 1))
    in_force = models.BooleanField(default=True)
    live_max_children = models.PositiveSmallIntegerField(
        "most children in a live session",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    live_max_minutes = models.PositiveSmallIntegerField(
        "longest live session (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    daily_learning_minutes = models.PositiveSmallIntegerField(
        "planned learning a day (minutes)",
        default=180,
        validators=[MinValueValidator(30), MaxValueValidator(360)],
    )
    vulnerable_contact_days = models.PositiveSmallIntegerField(
        "contact vulnerable pupils every (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    pack_due_school_days = models.PositiveSmallIntegerField(
        "paper pack due by the end of absence day",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    school_day_ends = models.TimeField("the school day ends at", default=datetime.time(15, 30))
    case_max_school_weeks = models.PositiveSmallIntegerField(
        "longest individual case before a review must extend it (school weeks)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    case_review_every_school_weeks = models.PositiveSmallIntegerField(
        "review individual cases every (school weeks)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    illness_alert_school_days = models.PositiveSmallIntegerField(
        "tell the headteacher when illness absence reaches (school days)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    review_warning_days = models.PositiveSmallIntegerField(
        "warn before the review date (days)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(in_force=True), name="one_policy_in_force_per_school"
            ),
            models.CheckConstraint(
                condition=Q(review_date__gt=models.F("policy_date")), name="policy_review_after_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.policy_date:%B %Y})"

    def review_is_due(self, today: datetime.date) -> bool:
        return today >= self.review_date - datetime.timedelta(days=self.review_warning_days)


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL"
    INCLUSION_LEAD = "inclusion_lead", "Lead for inclusion"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    OFFICE = "office", "Office"


# Roles that can take personal data out of Home Learning in bulk: subject access exports, the roster
# import, the register export (tests/people/test_mfa_roles.py holds every such permission to this).
EXPORT_CAPABLE_ROLES = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.DSL, Role.DEPUTY_DSL, Role.OFFICE})
# Roles whose accounts must always use two-factor authentication: the leaders, the DSL team and every
# role that can export. A school can require it of more roles (privacy.PrivacySettings.extra_mfa_roles).
MFA_ROLES = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.DSL, Role.DEPUTY_DSL}) | EXPORT_CAPABLE_ROLES
# Roles that see every pupil in the school (not only their own classes).
WHOLE_SCHOOL_ROLES = frozenset(
    {Role.HEADTEACHER, Role.SENIOR_LEADER, Role.DSL, Role.DEPUTY_DSL, Role.INCLUSION_LEAD, Role.OFFICE}
)
LEADERSHIP_ROLES = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER})
SAFEGUARDING_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})


class Staff(models.Model):
    """A person's membership of one school's staff. One person may hold several roles."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_memberships")
    title = models.CharField(max_length=20, blank=True, help_text="Mrs, Mr, Ms, Dr…")
    first_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    roles: RelatedManager[StaffRole]

    class Meta:
        ordering = ("surname", "first_name")
        verbose_name_plural = "staff"
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="one_membership_per_school")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How families see a member of staff: 'Mrs Patel', or the full name when no title."""
        if self.title:
            return f"{self.title} {self.surname}"
        return f"{self.first_name} {self.surname}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="role_once_per_staff")]

    def __str__(self) -> str:
        return self.get_role_display()


class YearGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_groups")
    name = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(help_text="Order in school: Reception first.")

    class Meta:
        ordering = ("school", "position")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="year_group_name_unique"),
            models.UniqueConstraint(fields=["school", "position"], name="year_group_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    year_group = models.ForeignKey(YearGroup, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(max_length=60)
    email = models.EmailField("class email address", blank=True)

    staff_links: RelatedManager[ClassStaff]

    class Meta:
        ordering = ("year_group__position", "name")
        verbose_name_plural = "classes"
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="class_name_unique")]

    def __str__(self) -> str:
        return self.name


class ClassStaff(models.Model):
    class Kind(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        TEACHING_ASSISTANT = "ta", _("Teaching assistant")

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="staff_links")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="class_links")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ("kind", "staff__surname")
        constraints = [models.UniqueConstraint(fields=["school_class", "staff"], name="staff_once_per_class")]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_kind_display()}, {self.school_class})"


class Pupil(models.Model):
    class Send(models.TextChoices):
        # The DfE's SEN provision codes (N, K, E).
        NONE = "N", "No special educational need"
        SEN_SUPPORT = "K", "SEN support"
        EHC_PLAN = "E", "Education, health and care plan"

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupils")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="pupils")
    legal_first_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField(  # noqa: DJ001 - NULL, not "", so the partial unique constraint skips pupils without one
        "UPN",
        max_length=13,
        null=True,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]\d{11}[0-9A-Z]$", "A UPN is a letter, eleven digits and a digit or letter.")
        ],
        help_text="The DfE Unique Pupil Number, if known.",
    )
    mis_id = models.CharField(
        "MIS id",
        max_length=40,
        blank=True,
        default="",
        help_text="The pupil's id in the school's management information system (admission number).",
    )
    send_status = models.CharField("SEND", max_length=1, choices=Send.choices, default=Send.NONE)
    has_social_worker = models.BooleanField(default=False)
    has_device = models.BooleanField("has a device for learning", default=True)
    has_internet = models.BooleanField("has internet at home", default=True)
    left_on = models.DateField(null=True, blank=True)

    carer_links: RelatedManager[PupilCarer]

    class Meta:
        ordering = ("surname", "legal_first_name")
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], condition=Q(upn__isnull=False), name="pupil_upn_unique"),
            models.UniqueConstraint(fields=["school", "mis_id"], condition=~Q(mis_id=""), name="pupil_mis_id_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        """The name the child is known by: what other families and live sessions see."""
        return self.preferred_first_name or self.legal_first_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"

    @property
    def has_ehc_plan(self) -> bool:
        return self.send_status == self.Send.EHC_PLAN

    @property
    def needs_paper(self) -> bool:
        return not (self.has_device and self.has_internet)


class Carer(models.Model):
    code = models.SlugField(max_length=40, unique=True, default=new_code)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="carers")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="carer_records")
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    mis_id = models.CharField(
        "MIS id", max_length=40, blank=True, default="", help_text="The contact's id in the school's MIS."
    )
    # One of settings.LANGUAGES (core.languages), or "" for none chosen: the carer's pages, emails, texts and
    # packs come in it. Not a choices field, so adding a language needs no migration.
    preferred_language = models.CharField(max_length=10, blank=True, default="")

    class ContactBy(models.TextChoices):
        EMAIL = "email", "Email first, then text"
        TEXT = "text", "Text first, then email"

    # How the school's messages reach this carer (issue 16): this channel first, then the other, then the
    # office's call-or-post list (homelearning.texts.services.channel_for).
    contact_by = models.CharField(max_length=5, choices=ContactBy.choices, default=ContactBy.EMAIL)

    pupil_links: RelatedManager[PupilCarer]

    class Meta:
        ordering = ("surname", "first_name")
        constraints = [
            models.UniqueConstraint(fields=["school", "email"], condition=~Q(email=""), name="carer_email_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"


class PupilCarer(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        OTHER_RELATIVE = "other_relative", "Other relative"
        OTHER = "other", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carer_links")
    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField("contact priority", default=1, validators=[MinValueValidator(1)])
    is_primary = models.BooleanField(
        "primary carer", default=False, help_text="The primary carer receives invitations and notices."
    )

    class Meta:
        ordering = ("priority",)
        constraints = [
            models.UniqueConstraint(fields=["pupil", "carer"], name="carer_once_per_pupil"),
            models.UniqueConstraint(fields=["pupil"], condition=Q(is_primary=True), name="one_primary_carer"),
        ]

    def __str__(self) -> str:
        return f"{self.carer} ({self.get_relationship_display()} of {self.pupil})"


class RememberedPhone(models.Model):
    """A carer's browser kept signed in for the school's "remember this phone" days (no new code each day).

    The carer sees each one by name and can forget it, which signs that browser out at once."""

    code = models.SlugField(max_length=40, unique=True, default=new_code)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="remembered_phones")
    session_key = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100, help_text="What the browser said it was, e.g. Chrome on Android.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    forgotten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.name} for {self.user}"
