"""The retention pass: what is past its time under the school's schedule, and removing it.

A real pass removes only records that are due now AND were listed by an earlier dry run, so nothing
goes that the school could not have seen coming. Reports and the audit entry hold record types,
counts and row ids, never content.

Safeguarding records and concern entries are append-only (their models refuse edits and deletes);
this module is the one sanctioned way they leave the database, by raw deletes in one transaction,
once the child has passed the schedule's age. The audit log is append-only too and its rows keep
PROTECT keys to users, so logins are anonymised, never deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from homelearning.core.models import OutboundEmail
from homelearning.engagement.models import PlanOpening
from homelearning.journal.models import CallRequest, WorkFile, WorkItem
from homelearning.live.models import Invitation
from homelearning.people.models import Carer, Pupil, School, Staff, User
from homelearning.privacy.models import Anonymised, RecordType, RetentionRule, RetentionRun
from homelearning.privacy.schedule import SPECS, academic_year_end, add_months, birthday
from homelearning.provision.models import RegisterMark
from homelearning.safeguarding.models import Concern, ConcernEntry, ConcernPupil, Contact, FilterAlert, VulnerablePupil
from homelearning.translation.models import MachineTranslation


def rules_for(school: School) -> dict[str, int]:
    """The school's period for every record type: its own where set, else the default."""
    periods = {key: spec.default for key, spec in SPECS.items()}
    periods.update(dict(RetentionRule.objects.filter(school=school).values_list("record_type", "period")))
    return periods


def _now_for(today: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


# --- What is due, per record type: ids of the rows that go. -------------------------------


def _register_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = add_months(today, -12 * period)
    return list(RegisterMark.objects.filter(school=school, date__lt=cutoff).values_list("pk", flat=True))


def _pupils_past_age(school: School, age: int, today: datetime.date) -> list[int]:
    latest_birth = add_months(today, -12 * age)
    return [
        pk
        for pk, born in Pupil.objects.filter(school=school, date_of_birth__lte=latest_birth).values_list(
            "pk", "date_of_birth"
        )
        if birthday(born, age) <= today
    ]


def _safeguarding_due(school: School, period: int, today: datetime.date) -> list[int]:
    """Concerns every one of whose pupils has passed the age (ids of concerns; their parts go with them)."""
    past = set(_pupils_past_age(school, period, today))
    if not past:
        return []
    concern_pupils: dict[int, set[int]] = {}
    for concern_id, pupil_id in ConcernPupil.objects.filter(concern__school=school).values_list(
        "concern_id", "pupil_id"
    ):
        concern_pupils.setdefault(concern_id, set()).add(pupil_id)
    return sorted(c for c, ps in concern_pupils.items() if ps <= past)


def _work_due(school: School, period: int, today: datetime.date) -> list[int]:
    due = []
    for pk, created in WorkItem.objects.filter(school=school).values_list("pk", "created_at"):
        end = academic_year_end(timezone.localdate(created))
        if datetime.date(end.year + period, 8, 31) < today:
            due.append(pk)
    return due


def _live_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = _now_for(add_months(today, -period))
    return list(
        Invitation.objects.filter(session__school=school, session__starts_at__lt=cutoff).values_list("pk", flat=True)
    )


def _calls_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = _now_for(add_months(today, -period))
    return list(
        CallRequest.objects.filter(school=school, status=CallRequest.Status.DONE, called_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )


def _emails_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = _now_for(add_months(today, -period))
    return list(
        OutboundEmail.objects.filter(
            school=school, created_at__lt=cutoff, status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED]
        ).values_list("pk", flat=True)
    )


def _pupils_with_records(pupil_ids: list[int], *, concerns: bool) -> set[int]:
    """Which of these pupils have safeguarding records (contacts, vulnerability, filtering alerts and,
    if `concerns`, concerns) that name them."""
    kinds: list[type[models.Model]] = [Contact, VulnerablePupil, FilterAlert]
    if concerns:
        kinds.append(ConcernPupil)
    held: set[int] = set()
    for model in kinds:
        held |= set(model.objects.filter(pupil_id__in=pupil_ids).values_list("pupil_id", flat=True))  # type: ignore[attr-defined]
    return held


def _has_safeguarding_records(pupil_ids: list[int]) -> set[int]:
    return _pupils_with_records(pupil_ids, concerns=True)


def _pupil_leavers_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = add_months(today, -12 * period)
    candidates = list(
        Pupil.objects.filter(school=school, left_on__isnull=False, left_on__lte=cutoff)
        .exclude(pk__in=Anonymised.objects.filter(pupil__isnull=False).values("pupil_id"))
        .values_list("pk", flat=True)
    )
    # Never while safeguarding records about them are kept: those need the name until the child is 25.
    held = _has_safeguarding_records(candidates)
    return [pk for pk in candidates if pk not in held]


def _carer_leavers_due(school: School, period: int, today: datetime.date) -> list[int]:
    cutoff = add_months(today, -period)
    carers = (
        Carer.objects.filter(school=school, pupil_links__isnull=False)
        .exclude(pupil_links__pupil__left_on__isnull=True)
        .exclude(pk__in=Anonymised.objects.filter(carer__isnull=False).values("carer_id"))
        .annotate(last_left=models.Max("pupil_links__pupil__left_on"))
        .filter(last_left__lte=cutoff)
    )
    return list(carers.values_list("pk", flat=True).distinct())


FINDERS: dict[str, Callable[[School, int, datetime.date], list[int]]] = {
    RecordType.REGISTER: _register_due,
    RecordType.SAFEGUARDING: _safeguarding_due,
    RecordType.WORK: _work_due,
    RecordType.LIVE_REGISTERS: _live_due,
    RecordType.CALL_LOGS: _calls_due,
    RecordType.EMAILS: _emails_due,
    RecordType.PUPIL_LEAVERS: _pupil_leavers_due,
    RecordType.CARER_LEAVERS: _carer_leavers_due,
}


# --- Removing. ------------------------------------------------------------------------------


def _raw_delete(qs: models.QuerySet[models.Model]) -> int:
    """A plain SQL DELETE, past the append-only managers' refusal (see the module docstring)."""
    return models.QuerySet(model=qs.model, query=qs.query.chain(), using=qs.db)._raw_delete(qs.db)


def _remove_safeguarding(school: School, concern_ids: list[int], pupil_ids: list[int]) -> None:
    concerns = Concern.objects.filter(school=school, pk__in=concern_ids)
    _raw_delete(FilterAlert.objects.filter(Q(concern__in=concerns) | Q(school=school, pupil_id__in=pupil_ids)))
    _raw_delete(ConcernEntry.objects.filter(concern__in=concerns))
    _raw_delete(ConcernPupil.objects.filter(concern__in=concerns))
    _raw_delete(Concern.objects.filter(school=school, pk__in=concern_ids))
    _raw_delete(Contact.objects.filter(school=school, pupil_id__in=pupil_ids))
    _raw_delete(VulnerablePupil.objects.filter(school=school, pupil_id__in=pupil_ids))


def _remove_work(ids: list[int]) -> None:
    stored = [
        (f.file.storage, name)
        for f in WorkFile.objects.filter(item_id__in=ids)
        for name in (f.file.name, f.thumbnail.name)
        if name
    ]
    WorkItem.objects.filter(pk__in=ids).delete()

    def remove_files() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(remove_files)


def anonymise_pupils(pupil_ids: list[int], school: School) -> None:
    """Empty the leavers' names and identifiers, in two queries however many leave."""
    if not pupil_ids:
        return
    Pupil.objects.filter(pk__in=pupil_ids, school=school).update(
        legal_first_name="Former",
        preferred_first_name="",
        surname="pupil",
        upn=None,
        mis_id="",
    )
    Anonymised.objects.bulk_create(Anonymised(school=school, pupil_id=pk) for pk in pupil_ids)


def anonymise_carers(carer_ids: list[int], school: School) -> None:
    """Empty the carers' details, and empty and close each login that is no one else's: a constant
    number of queries however many carers leave."""
    if not carer_ids:
        return
    user_ids = set(
        Carer.objects.filter(pk__in=carer_ids, school=school, user__isnull=False).values_list("user_id", flat=True)
    )
    Carer.objects.filter(pk__in=carer_ids, school=school).update(
        title="", first_name="Former", surname="carer", email="", phone="", mis_id="", user=None
    )
    Anonymised.objects.bulk_create(Anonymised(school=school, carer_id=pk) for pk in carer_ids)
    # A login still someone's (a carer at another school, or staff) stays as it is.
    user_ids -= set(Carer.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    user_ids -= set(Staff.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    if not user_ids:
        return
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user_id__in=user_ids).delete()
    Authenticator.objects.filter(user_id__in=user_ids).delete()
    # The audit log keeps a PROTECT key to the login, so the row stays, emptied and unable to sign in.
    User.objects.filter(pk__in=user_ids).update(
        email=Concat(Value("anonymised-"), Cast("pk", models.CharField()), Value("@invalid.invalid")),
        phone=None,
        phone_verified=False,
        is_active=False,
        password=make_password(None),
    )


@dataclass
class Plan:
    record_type: str
    ids: list[int]
    extra: list[int]  # safeguarding: the pupils whose contacts and list entries go too


def plan(school: School, today: datetime.date) -> dict[str, Plan]:
    periods = rules_for(school)
    plans = {}
    for record_type, finder in FINDERS.items():
        ids = sorted(finder(school, periods[record_type], today))
        extra: list[int] = []
        if record_type == RecordType.SAFEGUARDING:
            past = _pupils_past_age(school, periods[record_type], today)
            extra = sorted(_pupils_with_records(past, concerns=False))
        plans[record_type] = Plan(record_type=record_type, ids=ids, extra=extra)
    return plans


def report_of(plans: dict[str, Plan]) -> dict[str, dict[str, object]]:
    return {
        key: {"count": len(p.ids) + len(p.extra), "ids": p.ids, "pupils": p.extra, "action": SPECS[key].action}
        for key, p in plans.items()
    }


def last_dry_run(school: School) -> RetentionRun | None:
    return RetentionRun.objects.filter(school=school, dry_run=True).order_by("-created_at", "-id").first()


def carry_out(school: School, plans: dict[str, Plan], previous: RetentionRun | None) -> dict[str, Plan]:
    """Remove what is due now and was listed by `previous` (a dry run). Returns what went."""
    listed = previous.report if previous is not None else {}
    done: dict[str, Plan] = {}
    for key, p in plans.items():
        seen = listed.get(key, {})
        ids = sorted(set(p.ids) & set(seen.get("ids", [])))
        extra = sorted(set(p.extra) & set(seen.get("pupils", [])))
        done[key] = Plan(record_type=key, ids=ids, extra=extra)
    register, safeguarding = done[RecordType.REGISTER], done[RecordType.SAFEGUARDING]
    if register.ids:
        # A plan opened (issue 18) is a register-like daily record: it goes with the marks of its days.
        last_removed = RegisterMark.objects.filter(school=school, pk__in=register.ids).aggregate(d=models.Max("date"))
        PlanOpening.objects.filter(school=school, day__lte=last_removed["d"]).delete()
    RegisterMark.objects.filter(school=school, pk__in=register.ids).delete()
    if safeguarding.ids or safeguarding.extra:
        _remove_safeguarding(school, safeguarding.ids, safeguarding.extra)
    _remove_work(done[RecordType.WORK].ids)
    Invitation.objects.filter(session__school=school, pk__in=done[RecordType.LIVE_REGISTERS].ids).delete()
    CallRequest.objects.filter(school=school, pk__in=done[RecordType.CALL_LOGS].ids).delete()
    OutboundEmail.objects.filter(school=school, pk__in=done[RecordType.EMAILS].ids).delete()
    anonymise_pupils(done[RecordType.PUPIL_LEAVERS].ids, school)
    anonymise_carers(done[RecordType.CARER_LEAVERS].ids, school)
    if any(p.ids or p.extra for p in done.values()):
        # Machine translations hold the words of what they translate (names restored): they go whenever any
        # record does, rather than outlive it. They are only a cache; a text still shown is translated again.
        MachineTranslation.objects.filter(school=school).delete()
    return done
