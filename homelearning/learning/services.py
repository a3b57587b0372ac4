"""Every write for daily learning. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, Q

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.calendar import SchoolCalendar, is_school_day, school_days_between
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.pdfgate import pdf_check_and_clean
from homelearning.learning.audio import clean_audio, sniff_audio
from homelearning.learning.models import (
    MAX_ACTIVITY_MINUTES,
    MIN_ACTIVITY_MINUTES,
    Activity,
    ActivityOmission,
    Plan,
    PlanTemplate,
    Resource,
    Subject,
)
from homelearning.learning.selectors import effective
from homelearning.people.models import Pupil, SchoolClass, Staff, YearGroup
from homelearning.people.selectors import policy_in_force
from homelearning.translation.services import translation_wanted


class OverEntitlement(ServiceError):
    """The day would be planned beyond the policy's daily minutes; the caller must confirm."""

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(
            f"This makes {total} minutes for the day, more than the {limit} minutes the policy sets. "
            "Confirm to save it anyway."
        )
        self.total = total
        self.limit = limit


# --- Resources ---------------------------------------------------------------------


def check_link(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ServiceError("Links must start with https:// or http:// and name a website.")
    return url


def sniff_kind(head: bytes) -> str | None:
    """What the file really is, from its first bytes (never its name)."""
    if head.startswith(b"%PDF-"):
        return Resource.Kind.WORKSHEET
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return Resource.Kind.CLIP
    return None


@transaction.atomic
def resource_link_create(
    *,
    by: Staff,
    title: str,
    url: str,
    subject: Subject | None = None,
    year_group: YearGroup | None = None,
    provider: str = "",
    note: str = "",
) -> Resource:
    if year_group is not None and year_group.school_id != by.school_id:
        raise ServiceError("That year group is not in your school.")
    resource = Resource.objects.create(
        school=by.school,
        kind=Resource.Kind.LINK,
        title=title.strip(),
        url=check_link(url),
        subject=subject,
        year_group=year_group,
        provider=provider.strip(),
        note=note.strip(),
        created_by=by,
    )
    audit(action="learning.resource.create", actor=by.user, school=by.school, target=resource)
    return resource


@transaction.atomic
def resource_upload(
    *,
    by: Staff,
    title: str,
    upload: UploadedFile,
    subject: Subject | None = None,
    year_group: YearGroup | None = None,
    note: str = "",
) -> Resource:
    limit = settings.LEARNING_UPLOAD_MAX_BYTES
    if not upload.size:
        raise ServiceError("The file is empty.")
    if upload.size > limit:
        raise ServiceError(f"The file must be no bigger than {limit // (1024 * 1024) or 1} MB.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    audio_format = sniff_audio(head)
    kind: str | None = Resource.Kind.AUDIO if audio_format else sniff_kind(head)
    if kind is None:
        raise ServiceError(
            "Only MP4 clips, PDF worksheets and M4A or MP3 recordings can be uploaded; this file is none of them."
        )
    if year_group is not None and year_group.school_id != by.school_id:
        raise ServiceError("That year group is not in your school.")
    resource = Resource(
        school=by.school,
        kind=kind,
        title=title.strip(),
        subject=subject,
        year_group=year_group,
        provider=by.school.name,
        note=note.strip(),
        size=upload.size,
        created_by=by,
    )
    if kind == Resource.Kind.WORKSHEET:
        # The one PDF gate: a worksheet every family of the class opens may carry no script or action.
        cleaned = pdf_check_and_clean(upload.read())
        resource.size = len(cleaned)
        resource.file.save("upload", ContentFile(cleaned), save=False)
    elif audio_format:
        # A recording of the teacher's voice: no tags (the phone, the app, a place) reach the families.
        audio = clean_audio(upload.read(), audio_format)
        resource.size = len(audio.data)
        resource.file.save(f"upload.{audio.suffix}", ContentFile(audio.data), save=False)
    else:
        resource.file.save("upload", upload, save=False)
    stored = resource.file.name
    try:
        resource.save()
    except Exception:
        if stored:
            resource.file.storage.delete(stored)
        raise
    audit(
        action="learning.resource.upload",
        actor=by.user,
        school=by.school,
        target=resource,
        details={"kind": kind, "bytes": upload.size},
    )
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by: Staff) -> None:
    name, storage = resource.file.name, resource.file.storage
    audit(action="learning.resource.delete", actor=by.user, school=by.school, target=resource)
    Plan.objects.filter(activities__resources=resource).update(updated_at=clock.now(), version=F("version") + 1)
    deleted, _ = Resource.objects.filter(pk=resource.pk).delete()
    if not deleted:
        raise InvalidTransition("The resource was already removed.")
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Plans and activities -----------------------------------------------------------


def _check_minutes(minutes: int) -> None:
    if not MIN_ACTIVITY_MINUTES <= minutes <= MAX_ACTIVITY_MINUTES:
        raise ServiceError(f"An activity takes between {MIN_ACTIVITY_MINUTES} and {MAX_ACTIVITY_MINUTES} minutes.")


def _check_resources(resources: Iterable[Resource], school_id: int) -> list[Resource]:
    chosen = list(resources)
    if any(r.school_id != school_id for r in chosen):
        raise ServiceError("Choose resources from your school's library.")
    return chosen


def plan_minutes(plan: Plan, *, pupil: Pupil | None = None) -> int:
    """Planned minutes of the class's day, or of one pupil's adapted day."""
    class_rows = list(Activity.objects.filter(plan=plan, pupil__isnull=True).order_by("position", "pk"))
    if pupil is None:
        return sum(a.minutes for a in class_rows)
    own = list(Activity.objects.filter(plan=plan, pupil=pupil))
    dropped = set(
        ActivityOmission.objects.filter(pupil=pupil, activity__plan=plan).values_list("activity_id", flat=True)
    )
    return sum(a.minutes for a in effective(class_rows, own, dropped))


def _check_entitlement(plan: Plan, *, pupil: Pupil | None, confirm_over: bool) -> None:
    limit = policy_in_force(plan.school).daily_learning_minutes
    total = plan_minutes(plan, pupil=pupil)
    if total > limit and not confirm_over:
        raise OverEntitlement(total, limit)


def _touch(plan: Plan | int) -> None:
    """Mark a plan changed: every change to its activities or their resources calls this.

    Parents' pages cache each class's rendered day under the plan's `version` (learning.today).
    """
    plan_id = plan if isinstance(plan, int) else plan.pk
    Plan.objects.filter(pk=plan_id).update(updated_at=clock.now(), version=F("version") + 1)
    # Families who read another language get the teacher's words translated, where a provider is set up.
    translation_wanted(kind="plan", pk=plan_id)


@transaction.atomic
def plan_get_or_create(*, school_class: SchoolClass, day: datetime.date, by: Staff) -> Plan:
    plan = Plan.objects.filter(school_class=school_class, date=day).first()
    if plan is not None:
        return plan
    if not is_school_day(school_class.school, day):
        raise ServiceError(f"{day:%A %-d %B %Y} is not a school day.")
    plan, _ = Plan.objects.get_or_create(
        school_class=school_class, date=day, defaults={"school": school_class.school, "created_by": by}
    )
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, by: Staff) -> None:
    audit(action="learning.plan.delete", actor=by.user, school=plan.school, target=plan)
    deleted, _ = Plan.objects.filter(pk=plan.pk).delete()
    if not deleted:
        raise InvalidTransition("The plan was already deleted.")


@transaction.atomic
def activity_add(
    *,
    by: Staff,
    subject: Subject,
    title: str,
    minutes: int,
    instructions: str = "",
    resources: Sequence[Resource] = (),
    plan: Plan | None = None,
    template: PlanTemplate | None = None,
    pupil: Pupil | None = None,
    replaces: Activity | None = None,
    confirm_over: bool = False,
) -> Activity:
    """Add an activity to a plan (for the class, or for one pupil) or to a template.

    A day over the policy's daily minutes is refused with OverEntitlement unless confirmed.
    """
    _check_minutes(minutes)
    if (plan is None) == (template is None):
        raise ServiceError("An activity belongs to one plan or one template.")
    owner_school = plan.school_id if plan is not None else template.school_id  # type: ignore[union-attr]
    chosen = _check_resources(resources, owner_school)
    if pupil is not None and (plan is None or pupil.school_class_id != plan.school_class_id):
        raise ServiceError("Bespoke learning follows the pupil's own class plan.")
    if replaces is not None:
        if pupil is None or replaces.plan_id != plan.pk or replaces.pupil_id is not None:  # type: ignore[union-attr]
            raise ServiceError("Only one of the class's activities that day can be replaced.")
        if Activity.objects.filter(pupil=pupil, replaces=replaces).exists():
            raise ServiceError("That activity is already replaced for this pupil.")
    siblings = Activity.objects.filter(plan=plan, template=template, pupil=pupil)
    last = siblings.aggregate(m=Max("position"))["m"]
    activity = Activity.objects.create(
        plan=plan,
        template=template,
        pupil=pupil,
        replaces=replaces,
        position=replaces.position if replaces is not None else (last or 0) + 1,
        subject=subject,
        title=title.strip(),
        instructions=instructions.strip(),
        minutes=minutes,
    )
    activity.resources.set(chosen)
    if plan is not None:
        _check_entitlement(plan, pupil=pupil, confirm_over=confirm_over)
        _touch(plan)
    if pupil is not None:
        audit(
            action="learning.bespoke.replace" if replaces else "learning.bespoke.add",
            actor=by.user,
            school=by.school,
            target=pupil,
            details={"activity": activity.code, "date": plan.date.isoformat()},  # type: ignore[union-attr]
        )
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    by: Staff,
    subject: Subject,
    title: str,
    minutes: int,
    instructions: str = "",
    resources: Sequence[Resource] = (),
    confirm_over: bool = False,
) -> Activity:
    _check_minutes(minutes)
    school_id = activity.plan.school_id if activity.plan is not None else activity.template.school_id  # type: ignore[union-attr]
    chosen = _check_resources(resources, school_id)
    updated = Activity.objects.filter(pk=activity.pk).update(
        subject=subject, title=title.strip(), instructions=instructions.strip(), minutes=minutes
    )
    if updated != 1:
        raise InvalidTransition("The activity was removed by someone else.")
    activity.refresh_from_db()
    activity.resources.set(chosen)
    if activity.plan is not None:
        pupil = activity.pupil
        _check_entitlement(activity.plan, pupil=pupil, confirm_over=confirm_over)
        _touch(activity.plan)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by: Staff) -> None:
    deleted, _ = Activity.objects.filter(pk=activity.pk).delete()
    if not deleted:
        raise InvalidTransition("The activity was already removed.")
    if activity.plan_id is not None:
        _touch(activity.plan_id)
    if activity.pupil_id is not None:
        audit(
            action="learning.bespoke.remove",
            actor=by.user,
            school=by.school,
            target=activity.pupil,
            details={"activity": activity.code},
        )


@transaction.atomic
def activity_move(*, activity: Activity, by: Staff, step: int) -> None:
    """Move an activity up (-1) or down (+1) among its plan's or template's class activities."""
    if step not in (-1, 1):
        raise ServiceError("Move one place up or down.")
    siblings = list(
        Activity.objects.select_for_update()
        .filter(Q(plan_id=activity.plan_id) if activity.plan_id else Q(template_id=activity.template_id))
        .filter(pupil__isnull=True)
        .order_by("position", "pk")
    )
    ids = [a.pk for a in siblings]
    if activity.pk not in ids:
        raise InvalidTransition("The activity was removed by someone else.")
    index = ids.index(activity.pk)
    target = index + step
    if not 0 <= target < len(ids):
        return
    ids[index], ids[target] = ids[target], ids[index]
    for position, pk in enumerate(ids, start=1):
        Activity.objects.filter(pk=pk).update(position=position)
    # A replacement sits where the activity it replaces sits.
    for position, pk in enumerate(ids, start=1):
        Activity.objects.filter(replaces_id=pk).update(position=position)
    if activity.plan_id is not None:
        _touch(activity.plan_id)


def _copy_activities(
    source: Iterable[Activity], *, plan: Plan | None = None, template: PlanTemplate | None = None
) -> None:
    for position, a in enumerate(source, start=1):
        copy = Activity.objects.create(
            plan=plan,
            template=template,
            position=position,
            subject_id=a.subject_id,
            title=a.title,
            instructions=a.instructions,
            minutes=a.minutes,
        )
        copy.resources.set(a.resources.all())


@transaction.atomic
def plan_copy(*, plan: Plan, to_days: Sequence[datetime.date], by: Staff) -> tuple[list[Plan], list[datetime.date]]:
    """Copy the class's activities to other school days. Days that already have a plan, or are not
    school days, are skipped and returned."""
    source = list(Activity.objects.filter(plan=plan, pupil__isnull=True).prefetch_related("resources"))
    if not source:
        raise ServiceError("There is nothing planned on this day to copy.")
    if not to_days:
        return [], []
    calendar = SchoolCalendar.load(plan.school, min(to_days), max(to_days))
    existing = set(
        Plan.objects.filter(school_class_id=plan.school_class_id, date__in=to_days).values_list("date", flat=True)
    )
    created, skipped = [], []
    for day in to_days:
        if day == plan.date or day in existing or not calendar.is_school_day(day):
            skipped.append(day)
            continue
        new = Plan.objects.create(school=plan.school, school_class_id=plan.school_class_id, date=day, created_by=by)
        _copy_activities(source, plan=new)
        created.append(new)
    audit(
        action="learning.plan.copy",
        actor=by.user,
        school=plan.school,
        target=plan,
        details={"to": [p.date.isoformat() for p in created]},
    )
    return created, skipped


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=4)


@transaction.atomic
def week_copy_forward(
    *, school_class: SchoolClass, day: datetime.date, by: Staff
) -> tuple[list[Plan], list[datetime.date]]:
    """Copy the week containing `day` onto the next week: the n-th school day onto the n-th school day."""
    monday, friday = week_of(day)
    here = school_days_between(school_class.school, monday, friday)
    next_monday = monday + datetime.timedelta(days=7)
    there = school_days_between(school_class.school, next_monday, next_monday + datetime.timedelta(days=4))
    plans = {p.date: p for p in Plan.objects.filter(school_class=school_class, date__in=here)}
    created: list[Plan] = []
    skipped: list[datetime.date] = []
    for source_day, target_day in zip(here, there, strict=False):
        plan = plans.get(source_day)
        if plan is None or not Activity.objects.filter(plan=plan, pupil__isnull=True).exists():
            continue
        made, missed = plan_copy(plan=plan, to_days=[target_day], by=by)
        created += made
        skipped += missed
    if not created and not skipped:
        raise ServiceError("There is nothing planned this week to copy.")
    return created, skipped


@transaction.atomic
def template_save(*, plan: Plan, name: str, by: Staff) -> PlanTemplate:
    name = name.strip()
    year_group = plan.school_class.year_group
    if not name:
        raise ServiceError("Give the template a name.")
    if PlanTemplate.objects.filter(year_group=year_group, name=name).exists():
        raise ServiceError(f"{year_group} already has a template called {name!r}.")
    source = list(Activity.objects.filter(plan=plan, pupil__isnull=True).prefetch_related("resources"))
    if not source:
        raise ServiceError("There is nothing planned on this day to keep as a template.")
    template = PlanTemplate.objects.create(school=plan.school, year_group=year_group, name=name, created_by=by)
    _copy_activities(source, template=template)
    audit(action="learning.template.create", actor=by.user, school=plan.school, target=template)
    return template


@transaction.atomic
def template_apply(*, template: PlanTemplate, plan: Plan, by: Staff, confirm_over: bool = False) -> Plan:
    if template.year_group_id != plan.school_class.year_group_id:
        raise ServiceError("Use a template of the class's own year group.")
    start = Activity.objects.filter(plan=plan, pupil__isnull=True).aggregate(m=Max("position"))["m"] or 0
    source = list(Activity.objects.filter(template=template).prefetch_related("resources"))
    for offset, a in enumerate(source, start=1):
        copy = Activity.objects.create(
            plan=plan,
            position=start + offset,
            subject_id=a.subject_id,
            title=a.title,
            instructions=a.instructions,
            minutes=a.minutes,
        )
        copy.resources.set(a.resources.all())
    _check_entitlement(plan, pupil=None, confirm_over=confirm_over)
    _touch(plan)
    return plan


# --- Bespoke learning ----------------------------------------------------------------


@transaction.atomic
def activity_drop_for_pupil(*, activity: Activity, pupil: Pupil, by: Staff) -> ActivityOmission:
    if activity.pupil_id is not None or activity.plan is None or activity.plan.school_class_id != pupil.school_class_id:
        raise ServiceError("Only the class's own activities can be dropped for a pupil.")
    omission, created = ActivityOmission.objects.get_or_create(
        activity=activity, pupil=pupil, defaults={"created_by": by}
    )
    if not created:
        raise InvalidTransition("That activity is already dropped for this pupil.")
    Activity.objects.filter(pupil=pupil, replaces=activity).delete()
    audit(
        action="learning.bespoke.drop",
        actor=by.user,
        school=by.school,
        target=pupil,
        details={"activity": activity.code, "date": activity.plan.date.isoformat()},
    )
    return omission


@transaction.atomic
def activity_restore_for_pupil(*, activity: Activity, pupil: Pupil, by: Staff) -> None:
    """Undo a drop or a replacement: the pupil does the class's activity again."""
    dropped, _ = ActivityOmission.objects.filter(activity=activity, pupil=pupil).delete()
    replaced, _ = Activity.objects.filter(replaces=activity, pupil=pupil).delete()
    if not (dropped or replaced):
        raise InvalidTransition("That activity is not changed for this pupil.")
    audit(
        action="learning.bespoke.restore",
        actor=by.user,
        school=by.school,
        target=pupil,
        details={"activity": activity.code},
    )


@transaction.atomic
def activity_add_to_day(
    *,
    school_class: SchoolClass,
    day: datetime.date,
    by: Staff,
    subject: Subject,
    title: str,
    minutes: int,
    instructions: str = "",
    resources: Sequence[Resource] = (),
    confirm_over: bool = False,
) -> Activity:
    """Add a class activity, starting the day's plan if needed (and not leaving an empty one if refused)."""
    plan = plan_get_or_create(school_class=school_class, day=day, by=by)
    return activity_add(
        plan=plan,
        by=by,
        subject=subject,
        title=title,
        minutes=minutes,
        instructions=instructions,
        resources=resources,
        confirm_over=confirm_over,
    )
