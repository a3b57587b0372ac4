"""Every write for paper packs: request, print, ready, collected, returned, reviewed, called."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext

from homelearning.core import clock
from homelearning.core.audit import audit, audit_many
from homelearning.core.calendar import SchoolCalendar, next_school_days, school_days_between
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.languages import language_of
from homelearning.core.mail import email_queue
from homelearning.journal.models import CallRequest
from homelearning.journal.services import CALL_OUTCOMES, call_log, call_request, work_submit
from homelearning.learning.models import Activity, PlanTemplate, Resource
from homelearning.learning.selectors import PupilDay, pupil_days
from homelearning.packs import deadlines
from homelearning.packs.models import Pack, PackBatch, PackSettings, pack_storage
from homelearning.packs.pdf import PackContent, PackDay, WorksheetError, merge, render_pack, worksheets_of
from homelearning.people.models import Carer, Pupil, PupilCarer, School, SchoolClass, Staff
from homelearning.people.selectors import policy_in_force
from homelearning.provision.selectors import remote_days
from homelearning.texts.services import channel_for, tell_by_text

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
PACKS_PER_FILE = 10
# How far ahead the office looks for a child's first day of remote education.
LOOK_AHEAD_DAYS = 28
# How far back to look for the start of a child's absence (a long case is reviewed well within it).
LOOK_BACK_DAYS = 60


class NoPlan(ServiceError):
    """Some days of the pack have no plan for the child's class: the year-group template can stand in."""

    def __init__(self, pupil: Pupil, days: list[datetime.date], templates: list[PlanTemplate]) -> None:
        listed = ", ".join(f"{d:%A %-d %B}" for d in days)
        offer = (
            " Print it from a year-group template instead, or ask the class teacher to plan those days."
            if templates
            else " Ask the class teacher to plan those days (the year group has no template yet)."
        )
        super().__init__(f"There is no plan for {pupil.school_class.name} on {listed}.{offer}")
        self.days = days
        self.templates = templates


def settings_for(school: School) -> PackSettings:
    found, _ = PackSettings.objects.get_or_create(school=school)
    return found


@dataclass
class PrintContext:
    """What printing packs for one school needs, loaded once however many packs are printed: the pack
    settings, the calendar over every pack's days and return dates, the children's remote days, and each
    day's learning for all the children together (four queries a day, not a child)."""

    settings: PackSettings
    calendar: SchoolCalendar
    horizon: datetime.date
    remote: dict[int, set[datetime.date]]
    pupils: list[Pupil]
    # Each child's primary carer's language ("" for English): the pack is printed in it (issue 16).
    languages: dict[int, str] = field(default_factory=dict)
    _days: dict[datetime.date, dict[int, PupilDay]] = field(default_factory=dict)

    @classmethod
    def load(cls, school: School, packs: Sequence[Pack]) -> PrintContext:
        pack_settings = settings_for(school)
        first = min(p.first_day for p in packs)
        last = max(p.last_day for p in packs)
        horizon = last + datetime.timedelta(days=pack_settings.return_after_days + 366)
        pupils = list({p.pupil_id: p.pupil for p in packs}.values())
        return cls(
            settings=pack_settings,
            calendar=SchoolCalendar.load(school, first, horizon),
            horizon=horizon,
            remote=remote_days(school=school, start=first, end=last, pupil_ids=[p.pk for p in pupils]),
            pupils=pupils,
            languages=dict(
                PupilCarer.objects.filter(pupil__in=pupils, is_primary=True).values_list(
                    "pupil_id", "carer__preferred_language"
                )
            ),
        )

    def pupil_day(self, pupil: Pupil, day: datetime.date) -> PupilDay:
        if day not in self._days:
            self._days[day] = {found.pupil.pk: found for found in pupil_days(self.pupils, day)}
        return self._days[day][pupil.pk]

    def return_date(self, pack: Pack) -> datetime.date:
        """As `deadlines.return_date`, on the loaded calendar."""
        earliest = deadlines.earliest_return(
            first_day=pack.first_day, last_day=pack.last_day, after_days=self.settings.return_after_days
        )
        return self.calendar.school_days_from(earliest, 1, end=self.horizon, weekdays_without_terms=True)[0]


@transaction.atomic
def settings_change(
    *, pack_settings: PackSettings, by: Staff, at_risk_minutes: int, return_after_days: int, school_days_per_pack: int
) -> PackSettings:
    if by.school_id != pack_settings.school_id:
        raise ServiceError("Those are another school's settings.")
    pack_settings.at_risk_minutes = at_risk_minutes
    pack_settings.return_after_days = return_after_days
    pack_settings.school_days_per_pack = school_days_per_pack
    pack_settings.full_clean()
    pack_settings.save(update_fields=["at_risk_minutes", "return_after_days", "school_days_per_pack"])
    audit(
        action="packs.settings.change",
        actor=by.user,
        school=by.school,
        target=pack_settings,
        details={"at_risk_minutes": at_risk_minutes, "return_after_days": return_after_days},
    )
    return pack_settings


def _first_remote_day(pupil: Pupil, today: datetime.date) -> datetime.date | None:
    days = remote_days(
        school=pupil.school,
        start=today,
        end=today + datetime.timedelta(days=LOOK_AHEAD_DAYS),
        pupil_ids=[pupil.pk],
    ).get(pupil.pk, set())
    return min(days) if days else None


def absence_began(pupil: Pupil, first_day: datetime.date) -> datetime.date:
    """The first school day of the run of remote days that `first_day` belongs to: the deadline counts from it."""
    start = first_day - datetime.timedelta(days=LOOK_BACK_DAYS)
    marked = remote_days(school=pupil.school, start=start, end=first_day, pupil_ids=[pupil.pk]).get(pupil.pk, set())
    school_days = school_days_between(pupil.school, start, first_day)
    began = first_day
    for day in reversed(school_days):
        if day >= first_day:
            continue
        if day not in marked:
            break
        began = day
    return began


def covered_days(pupil: Pupil, first_day: datetime.date, count: int) -> list[datetime.date]:
    """The pupil's remote school days among the `count` school days from `first_day`."""
    school_days = next_school_days(pupil.school, first_day, count) or [first_day]
    remote = remote_days(school=pupil.school, start=school_days[0], end=school_days[-1], pupil_ids=[pupil.pk])
    marked = remote.get(pupil.pk, set())
    return [d for d in school_days if d in marked]


@transaction.atomic
def pack_request(
    *,
    pupil: Pupil,
    by: Staff,
    via: str,
    collector: str = "",
    first_day: datetime.date | None = None,
    note: str = "",
) -> Pack:
    """Record a family's request (or the school's offer). The pack covers the child's remote days from
    `first_day` (their next remote day if not given) and is due by the policy's deadline."""
    if pupil.school_id != by.school_id or pupil.left_on is not None:
        raise ServiceError("That child is not on this school's roll.")
    if via not in Pack.Via.values:
        raise ServiceError("Say how the request came: email, phone or in person.")
    if len(collector) > 200 or len(note) > 1000:
        raise ServiceError("The collector's name or the note is too long.")
    today = clock.today()
    window = datetime.timedelta(days=LOOK_AHEAD_DAYS)
    if first_day is not None and not today - window <= first_day <= today + window:
        raise ServiceError(f"Choose a first day within {LOOK_AHEAD_DAYS} days of today.")
    if first_day is None:
        first_day = _first_remote_day(pupil, today)
        if first_day is None:
            raise ServiceError(
                f"{pupil.first_name} is not in remote education in the next {LOOK_AHEAD_DAYS} days: "
                "a pack is for a child learning at home (a closure or an individual case)."
            )
    pack_settings = settings_for(pupil.school)
    days = covered_days(pupil, first_day, pack_settings.school_days_per_pack)
    if not days or days[0] != first_day:
        raise ServiceError(
            f"{pupil.first_name} is not in remote education on {first_day:%A %-d %B %Y}: "
            "a pack is for a child learning at home (a closure or an individual case)."
        )
    clash = (
        Pack.objects.filter(pupil=pupil, status__in=Pack.OPEN_STATUSES, first_day__lte=days[-1], last_day__gte=days[0])
        .order_by("first_day")
        .first()
    )
    if clash is not None:
        raise ServiceError(
            f"{pupil.first_name} already has an open pack for {clash.first_day:%-d %B} to {clash.last_day:%-d %B}."
        )
    policy = policy_in_force(pupil.school)
    began = absence_began(pupil, days[0])
    now = clock.now()
    try:
        with transaction.atomic():
            pack = Pack.objects.create(
                school=pupil.school,
                pupil=pupil,
                first_day=days[0],
                last_day=days[-1],
                requested_via=via,
                collector=collector.strip(),
                requested_by=by,
                requested_at=now,
                note=note.strip(),
                absence_began=began,
                due_at=deadlines.pack_due_at(
                    school=pupil.school,
                    first_day=began,
                    requested_at=now,
                    day_ends=policy.school_day_ends,
                    due_school_days=policy.pack_due_school_days,
                ),
            )
    except IntegrityError:
        raise ServiceError(f"{pupil.first_name} already has an open pack for those days.") from None
    audit(
        action="packs.request",
        actor=by.user,
        school=pupil.school,
        target=pack,
        details={"pupil": pupil.code, "via": via, "first_day": str(days[0]), "last_day": str(days[-1])},
    )
    return pack


def _template_activities(template: PlanTemplate) -> list[Activity]:
    return list(
        Activity.objects.filter(template=template)
        .select_related("subject__parent")
        .prefetch_related(Prefetch("resources", queryset=Resource.objects.order_by("title"), to_attr="resource_list"))
        .order_by("position", "pk")
    )


def pack_days(pack: Pack, context: PrintContext | None = None) -> list[datetime.date]:
    """The days the pack prints: the child's remote days in its range (its school days if none are left)."""
    context = context or PrintContext.load(pack.school, [pack])
    school_days = context.calendar.days_between(pack.first_day, pack.last_day) or [pack.first_day]
    marked = context.remote.get(pack.pupil_id, set())
    remote = [d for d in school_days if d in marked]
    return remote or school_days


def pack_content(
    pack: Pack, *, template: PlanTemplate | None = None, context: PrintContext | None = None
) -> PackContent:
    """The child's own learning (bespoke changes applied) for each day; a template only where no plan exists."""
    pupil = pack.pupil
    context = context or PrintContext.load(pack.school, [pack])
    dates = pack_days(pack, context)
    days: list[PackDay] = []
    missing: list[datetime.date] = []
    standing_in: list[Activity] | None = None
    for day in dates:
        found = context.pupil_day(pupil, day)
        if found.plan is not None:
            days.append(PackDay(date=day, activities=found.activities))
        elif template is not None:
            if standing_in is None:
                standing_in = _template_activities(template)
            days.append(PackDay(date=day, activities=standing_in, from_template=template.name))
        else:
            missing.append(day)
    if missing:
        templates = list(PlanTemplate.objects.filter(year_group_id=pupil.school_class.year_group_id).order_by("name"))
        raise NoPlan(pupil, missing, templates)
    return PackContent(
        pupil=pupil,
        code=pack.code,
        days=days,
        return_by=pack.return_by or pack.last_day,
        note=pack.note,
        worksheets=worksheets_of(days),
        language=context.languages.get(pupil.pk, ""),
    )


def _load(pack: Pack) -> Pack:
    return Pack.objects.select_related("pupil__school_class__year_group", "pupil__school", "school").get(pk=pack.pk)


def _check_compilable(pack: Pack, template: PlanTemplate | None, note: str | None) -> None:
    if pack.status not in Pack.NOT_READY_STATUSES:
        raise InvalidTransition(
            f"This pack is already {pack.get_status_display().lower()}; it cannot be printed again."
        )
    if template is not None and template.year_group_id != pack.pupil.school_class.year_group_id:
        raise ServiceError("Use a template of the child's own year group.")
    if note is not None:
        note = note.strip()
        if len(note) > 1000:
            raise ServiceError("The note must be at most 1000 characters.")
        pack.note = note


def _print(pack: Pack, *, template: PlanTemplate | None, context: PrintContext) -> tuple[str, int]:
    """Render the pack's PDF and store it (no database write): the stored name and the page count."""
    pack.return_by = context.return_date(pack)
    content = pack_content(pack, template=template, context=context)
    try:
        data, pages = render_pack(content)
    except WorksheetError as exc:
        raise ServiceError(str(exc)) from exc
    name = pack_storage().save(
        f"packs/{pack.school_id}/{pack.code}-{clock.now():%Y%m%d%H%M%S%f}.pdf", ContentFile(data)
    )
    return name, pages


def pack_compile(
    *, pack: Pack, by: Staff, note: str | None = None, template: PlanTemplate | None = None, audited: bool = True
) -> Pack:
    """Print the pack from the child's plan and keep the PDF. Printing again (before it is ready) replaces it."""
    pack = _load(pack)
    _check_compilable(pack, template, note)
    name, pages = _print(pack, template=template, context=PrintContext.load(pack.school, [pack]))
    storage = pack_storage()
    old = pack.pdf.name
    try:
        with transaction.atomic():
            updated = Pack.objects.filter(pk=pack.pk, status__in=Pack.NOT_READY_STATUSES).update(
                status=Pack.Status.COMPILED,
                compiled_by=by,
                compiled_at=clock.now(),
                pdf=name,
                pages=pages,
                note=pack.note,
                return_by=pack.return_by,
                from_template=template.name if template else "",
            )
            if updated != 1:
                raise InvalidTransition("Someone else moved this pack on while it was printing.")
            if audited:
                audit(
                    action="packs.compile",
                    actor=by.user,
                    school=pack.school,
                    target=pack,
                    details={"pages": pages, "template": template.name if template else ""},
                )
    except Exception:
        storage.delete(name)
        raise
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return _load(pack)


def _carers_to_tell(pupil: Pupil) -> list[Carer]:
    """The primary carer, or every carer with parental responsibility if the primary has no email address."""
    links = list(
        PupilCarer.objects.filter(pupil=pupil, parental_responsibility=True)
        .exclude(carer__email="")
        .select_related("carer")
    )
    primary = [link.carer for link in links if link.is_primary]
    if primary:
        return primary
    by_address = {link.carer.email: link.carer for link in links}
    return [by_address[email] for email in sorted(by_address)]


@transaction.atomic
def pack_ready(*, pack: Pack, by: Staff) -> Pack:
    """The printed pack is at the office: tell the carer it can be collected."""
    updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.COMPILED).update(
        status=Pack.Status.READY, ready_by=by, ready_at=clock.now()
    )
    if updated != 1:
        raise InvalidTransition("Only a printed pack can be made ready for collection.")
    pack = _load(pack)
    school = pack.school
    carers = _carers_to_tell(pack.pupil)
    assert pack.return_by is not None  # noqa: S101 - set when the pack is compiled
    if not carers:
        # Nobody has an email address: the primary carer gets a text, or the office rings them.
        primary = PupilCarer.objects.filter(pupil=pack.pupil, is_primary=True).select_related("carer").first()
        carers = [primary.carer] if primary is not None else []
    for carer in carers:
        if channel_for(carer) != "email":
            _pack_ready_text(pack, carer)
            continue
        # No child's name in the email: it may be read by anyone with the mailbox. In the carer's language.
        with language_of(carer):
            office = (
                gettext("%(school)s, office %(phone)s") % {"school": school.name, "phone": school.office_phone}
                if school.office_phone
                else school.name
            )
            email_queue(
                to=carer.email,
                subject=gettext("A learning pack is ready to collect"),
                body_text=gettext("A paper learning pack for your child is ready to collect from the school office.")
                + "\n\n"
                + (
                    gettext("We have noted that %(collector)s will collect it.") % {"collector": pack.collector}
                    + "\n\n"
                    if pack.collector
                    else ""
                )
                + gettext("Please bring it back by %(day)s.") % {"day": date_format(pack.return_by, "l j F")}
                + f"\n\n{office}\n",
                kind="packs.ready",
                school=school,
            )
    Pack.objects.filter(pk=pack.pk).update(carers_told=len(carers))
    audit(action="packs.ready", actor=by.user, school=school, target=pack, details={"carers_told": len(carers)})
    return _load(pack)


def _pack_ready_text(pack: Pack, carer: Carer) -> str:
    assert pack.return_by is not None  # noqa: S101 - set when the pack is compiled
    return_by = pack.return_by
    return tell_by_text(
        carer=carer,
        school=pack.school,
        kind="packs.ready",
        about=f"{pack.pupil.first_name}'s pack",
        message=lambda: (
            gettext(
                "%(school)s: a paper learning pack for your child is ready to collect from the office. "
                "Please bring it back by %(day)s."
            )
            % {"school": pack.school.name, "day": date_format(return_by, "l j F")}
        ),
    )


@transaction.atomic
def pack_collected(*, pack: Pack, by: Staff, collected_by_name: str = "") -> Pack:
    name = (collected_by_name.strip() or pack.collector)[:200]
    updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.READY).update(
        status=Pack.Status.COLLECTED, collected_at=clock.now(), collected_by_name=name, collection_recorded_by=by
    )
    if updated != 1:
        raise InvalidTransition("Only a pack that is ready for collection can be collected.")
    audit(action="packs.collect", actor=by.user, school=pack.school, target=pack, details={"collected_by": name})
    return _load(pack)


@transaction.atomic
def pack_returned(*, pack: Pack, by: Staff) -> Pack:
    updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.COLLECTED).update(
        status=Pack.Status.RETURNED, returned_at=clock.now(), return_recorded_by=by
    )
    if updated != 1:
        raise InvalidTransition("Only a collected pack can be returned.")
    audit(action="packs.return", actor=by.user, school=pack.school, target=pack)
    return _load(pack)


@transaction.atomic
def pack_review(
    *,
    pack: Pack,
    by: Staff,
    went_well: str,
    challenges: str,
    next_steps: str,
    uploads: Sequence[UploadedFile] = (),
    call_on: datetime.date | None = None,
) -> Pack:
    """The teacher's review of the returned work. Photos go into the child's journal; a follow-up call is booked."""
    went_well, challenges, next_steps = went_well.strip(), challenges.strip(), next_steps.strip()
    if not went_well:
        raise ServiceError("Say what went well.")
    if not challenges:
        raise ServiceError("Say what was challenging (or that nothing was).")
    if not next_steps:
        raise ServiceError("Plan the next steps.")
    if max(len(went_well), len(challenges), len(next_steps)) > MAX_TEXT:
        raise ServiceError(f"Each part of the review must be at most {MAX_TEXT} characters.")
    updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.RETURNED).update(
        status=Pack.Status.REVIEWED,
        reviewed_at=clock.now(),
        reviewed_by=by,
        went_well=went_well,
        challenges=challenges,
        next_steps=next_steps,
    )
    if updated != 1:
        raise InvalidTransition("Only a returned pack can be reviewed.")
    pack = _load(pack)
    item_code = ""
    if uploads:
        item = work_submit(
            pupil=pack.pupil,
            by=by.user,
            by_label=by.display_name,
            uploads=uploads,
            note=f"Paper pack for {pack.first_day:%-d %B} to {pack.last_day:%-d %B} returned to school.",
            day=pack.last_day if pack.last_day <= clock.today() else None,
            on_paper=True,
        )
        item_code = item.code
    call = call_request(
        pupil=pack.pupil,
        by=by.user,
        by_label=by.display_name,
        reason=f"Follow-up on the paper pack: challenges and successes. Next steps: {next_steps}"[:1000],
        by_staff=True,
        call_on=call_on,
    )
    Pack.objects.filter(pk=pack.pk).update(call=call, work_item_code=item_code)
    audit(
        action="packs.review",
        actor=by.user,
        school=pack.school,
        target=pack,
        details={"photos": len(uploads), "call": call.code},
    )
    return _load(pack)


@transaction.atomic
def pack_call(*, pack: Pack, by: Staff, outcome: str, notes: str = "") -> Pack:
    """Log the follow-up call (a journal call record). Only a call that reached the family finishes the pack."""
    if pack.status != Pack.Status.REVIEWED or pack.call_id is None:
        raise InvalidTransition("The follow-up call comes after the teacher's review.")
    if outcome not in CALL_OUTCOMES:
        raise ServiceError("Choose how the call went.")
    call = CallRequest.objects.get(pk=pack.call_id)
    if call.status == CallRequest.Status.OPEN:
        call = call_log(call=call, by=by, outcome=outcome, notes=notes)
    if call.status != CallRequest.Status.DONE:
        audit(action="packs.call.attempt", actor=by.user, school=pack.school, target=pack, details={"outcome": outcome})
        return _load(pack)
    updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.REVIEWED).update(
        status=Pack.Status.CALLED, called_at=call.called_at or clock.now()
    )
    if updated != 1:
        raise InvalidTransition("The follow-up call is already logged.")
    audit(action="packs.call", actor=by.user, school=pack.school, target=pack, details={"outcome": call.outcome})
    return _load(pack)


@transaction.atomic
def pack_cancel(*, pack: Pack, by: Staff, reason: str) -> Pack:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the pack is cancelled.")
    updated = Pack.objects.filter(
        pk=pack.pk, status__in=(Pack.Status.REQUESTED, Pack.Status.COMPILED, Pack.Status.READY)
    ).update(status=Pack.Status.CANCELLED, cancelled_at=clock.now())
    if updated != 1:
        raise InvalidTransition("A pack that has been collected cannot be cancelled.")
    audit(action="packs.cancel", actor=by.user, school=pack.school, target=pack, details={"reason": reason[:300]})
    return _load(pack)


# --- A whole class at once -----------------------------------------------------------------


def _waiting(school_class: SchoolClass) -> Q:
    # Only packs not yet printed: one printed alone stays as it is.
    return Q(pupil__school_class=school_class, status=Pack.Status.REQUESTED)


@transaction.atomic
def batch_start(*, school_class: SchoolClass, by: Staff, note: str = "") -> PackBatch:
    """Print every pack of the class that is waiting to be printed, in the background."""
    from homelearning.packs.tasks import print_batch

    if school_class.school_id != by.school_id:
        raise ServiceError("That class is not in this school.")
    if len(note) > 1000:
        raise ServiceError("The note must be at most 1000 characters.")
    if not Pack.objects.filter(_waiting(school_class)).exists():
        raise ServiceError(f"No pack in {school_class.name} is waiting to be printed.")
    batch = PackBatch.objects.create(
        school=school_class.school, school_class=school_class, requested_by=by, note=note.strip()
    )
    audit(action="packs.batch.start", actor=by.user, school=batch.school, target=batch)
    transaction.on_commit(lambda: print_batch.enqueue(batch_id=batch.pk))
    return batch


def batch_run(*, batch: PackBatch) -> PackBatch:
    """Print each waiting pack (each keeps its own PDF), then join them into one file for the printer.

    A constant number of queries however big the class (plus four for each day the packs cover): the
    settings, calendar and learning are loaded once (PrintContext), and the printed packs are recorded
    together in one transaction.
    """
    if batch.status != PackBatch.Status.QUEUED:
        return batch
    packs = list(
        Pack.objects.filter(_waiting(batch.school_class))
        .select_related("pupil__school_class__year_group", "pupil__school", "school")
        .order_by("pupil__surname", "pupil__legal_first_name")
    )
    by = batch.requested_by
    note = batch.note or None
    storage = pack_storage()
    prepared: list[Pack] = []
    problems: list[dict[str, str]] = []
    context = PrintContext.load(batch.school, packs) if packs else None
    now = clock.now()
    for pack in packs:
        assert context is not None  # noqa: S101 - there are packs
        try:
            _check_compilable(pack, None, note)
            name, pages = _print(pack, template=None, context=context)
        except ServiceError as exc:
            problems.append({"pack": pack.code, "child": pack.pupil.full_name, "problem": str(exc)})
            continue
        pack.status, pack.compiled_by, pack.compiled_at = Pack.Status.COMPILED, by, now
        pack.pdf, pack.pages, pack.from_template = name, pages, ""
        prepared.append(pack)
    try:
        with transaction.atomic():
            # Still waiting now? A pack printed or cancelled meanwhile keeps what happened to it.
            still = set(
                Pack.objects.select_for_update()
                .filter(pk__in=[p.pk for p in prepared], status=Pack.Status.REQUESTED)
                .values_list("pk", flat=True)
            )
            printed = [p for p in prepared if p.pk in still]
            Pack.objects.bulk_update(
                printed, ["status", "compiled_by", "compiled_at", "pdf", "pages", "note", "return_by", "from_template"]
            )
            audit_many(
                action="packs.compile",
                actor=by.user,
                school=batch.school,
                targets=[(p, {"pages": p.pages, "template": ""}) for p in printed],
            )
    except Exception:
        for pack in prepared:
            storage.delete(str(pack.pdf.name))
        raise
    for pack in prepared:
        if pack.pk in still:
            continue
        storage.delete(str(pack.pdf.name))
        problems.append({"pack": pack.code, "child": pack.pupil.full_name, "problem": "Moved on while printing."})
    files = []
    # Joining holds every page's objects in memory: files of at most PACKS_PER_FILE packs keep the
    # memory flat however big the class (see bench/packs.py).
    for part, start in enumerate(range(0, len(printed), PACKS_PER_FILE), start=1):
        chunk = printed[start : start + PACKS_PER_FILE]
        name = storage.save(f"packs/{batch.school_id}/batch-{batch.code}-{part}.pdf", ContentFile(merge(chunk)))
        files.append(
            {
                "name": name,
                "count": len(chunk),
                "first": chunk[0].pupil.full_name,
                "last": chunk[-1].pupil.full_name,
            }
        )
    PackBatch.objects.filter(pk=batch.pk, status=PackBatch.Status.QUEUED).update(
        status=PackBatch.Status.DONE if printed else PackBatch.Status.FAILED,
        finished_at=clock.now(),
        files=files,
        pack_count=len(printed),
        problems=problems,
    )
    audit(
        action="packs.batch.print",
        actor=by.user,
        school=batch.school,
        target=batch,
        details={"printed": [p.code for p in printed], "problems": len(problems)},
    )
    return PackBatch.objects.get(pk=batch.pk)
