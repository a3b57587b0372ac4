"""Every write of the provision app: closures, individual cases, and the register marks they make."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from homelearning.core import clock, family
from homelearning.core.audit import audit
from homelearning.core.calendar import SchoolCalendar, next_school_days
from homelearning.core.errors import InvalidTransition, PermissionRefused, ServiceError
from homelearning.core.languages import language_of
from homelearning.core.mail import email_queue
from homelearning.core.pdfgate import pdf_check_and_clean
from homelearning.people.models import (
    LEADERSHIP_ROLES,
    Carer,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    YearGroup,
)
from homelearning.people.selectors import policy_in_force
from homelearning.provision.models import (
    AbsenceCode,
    AgreementParty,
    Case,
    Closure,
    CodeRule,
    IllnessAlert,
    MedicalAdvice,
    RegisterMark,
    Review,
    RiskAssessment,
)
from homelearning.texts.services import channel_for, tell_by_text

SESSIONS = (RegisterMark.Session.AM, RegisterMark.Session.PM)
DAYS_PER_SCHOOL_WEEK = 5

REFUSALS = {
    Case.Reason.HOLIDAY: (
        "Remote education is not offered for a holiday in term time. The policy treats it as a leave "
        "request, decided under the attendance policy."
    ),
    Case.Reason.SHORT_ILLNESS: (
        "Remote education is not offered for a short-term illness: a child who is unwell should rest, "
        "and the absence is recorded as illness."
    ),
    Case.Reason.MISBEHAVIOUR: (
        "Remote education is never used in response to behaviour. Removing a pupil from school for "
        "misbehaviour is a suspension, a matter for the behaviour policy, and is not recorded as remote education."
    ),
}


# --- Helpers --------------------------------------------------------------------------------------


def _school_days(calendar: SchoolCalendar, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = []
    day = start
    while day <= end:
        if calendar.is_school_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _require_role(staff: Staff, roles: Iterable[str], what: str) -> None:
    held = {r.role for r in staff.roles.all()}
    if not held & set(roles):
        raise PermissionRefused(f"Your role does not allow you to {what}.")


def _case_code(case: Case, code: str) -> AbsenceCode:
    """`code`, if the code table allows it for the case's reason; else a refusal naming the ones it allows."""
    _, allowed = case_codes_for(case.reason)
    for candidate in allowed:
        if candidate.code == code:
            return candidate
    choices = ", ".join(f"{c.code} ({c.meaning})" for c in allowed)
    raise ServiceError(
        f"“{code}” is not a code the attendance guidance gives for {case.get_reason_display().lower()}. "
        f"Choose {'one of: ' if len(allowed) > 1 else ''}{choices}."
    )


def _mark_rows(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    days: Sequence[datetime.date],
    code: str,
    closure: Closure | None = None,
    case: Case | None = None,
) -> int:
    """Add both sessions of `days` to the register for `pupils`, in one INSERT ... SELECT, each mark with
    its code and the closure's or case's reason beside it.

    One statement whatever the number of pupils (a bulk_create is split into batches by
    the database's parameter limit). A session already marked, e.g. by an individual case,
    keeps its mark.
    """
    if not days:
        return 0
    pupil_sql, pupil_params = pupils.annotate(mark_pupil=F("pk")).values("mark_pupil").query.sql_with_params()
    day_param = "%s::date" if connection.vendor == "postgresql" else "%s"
    slots = " UNION ALL ".join(f"SELECT {day_param} AS d, %s AS s" for _ in days for _ in SESSIONS)
    slot_params: list[object] = []
    for day in days:
        for session in SESSIONS:
            slot_params += [day.isoformat(), str(session)]
    table = connection.ops.quote_name(RegisterMark._meta.db_table)
    # Every value is a parameter; only our own table name and placeholders are formatted in.
    sql = (
        f"INSERT INTO {table} (school_id, pupil_id, date, session, absence_code_id, reason, closure_id, case_id) "  # noqa: S608
        f"SELECT %s, p.mark_pupil, slots.d, slots.s, %s, %s, %s, %s FROM ({pupil_sql}) p CROSS JOIN ({slots}) slots "
        "WHERE 1 = 1 ON CONFLICT (pupil_id, date, session) DO NOTHING"
    )
    source = closure or case
    if source is None:
        raise ValueError("A register mark comes from a closure or a case.")
    params = [
        school.pk,
        code,
        source.reason,
        closure.pk if closure else None,
        case.pk if case else None,
        *pupil_params,
        *slot_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# --- Closures -------------------------------------------------------------------------------------


def closure_code_for(*, reason: str, scope: str) -> str:
    """The register code for a closure, from the code table (CodeRule): Y6 for public-health reasons
    whatever the scope; otherwise Y4 when the whole site is closed and Y3 when part of it is."""
    code = (
        CodeRule.objects.filter(kind=CodeRule.Kind.CLOSURE, reason=reason, scope=scope, is_usual=True)
        .values_list("absence_code_id", flat=True)
        .first()
    )
    if code is None:
        raise ServiceError("The register code table has no code for this reason and scope. Tell the office.")
    return code


def case_codes_for(reason: str) -> tuple[str, list[AbsenceCode]]:
    """The usual register code for a case's reason, and every code the guidance allows for it (usual first)."""
    rules = list(
        CodeRule.objects.filter(kind=CodeRule.Kind.CASE, reason=reason, scope="")
        .select_related("absence_code")
        .order_by("-is_usual", "absence_code_id")
    )
    if not rules or not rules[0].is_usual:
        raise ServiceError("The register code table has no code for this reason. Tell the office.")
    return rules[0].absence_code_id, [r.absence_code for r in rules]


def _scope_key(scope: str, year_groups: Sequence[YearGroup], classes: Sequence[SchoolClass]) -> str:
    if scope == Closure.Scope.WHOLE_SCHOOL:
        return "whole"
    items = year_groups if scope == Closure.Scope.YEAR_GROUPS else classes
    return f"{scope}:{','.join(str(pk) for pk in sorted(i.pk for i in items))}"


def _closure_pupils(closure: Closure) -> QuerySet[Pupil]:
    pupils = Pupil.objects.filter(school_id=closure.school_id, left_on__isnull=True)
    if closure.scope == Closure.Scope.YEAR_GROUPS:
        pupils = pupils.filter(school_class__year_group__in=closure.year_groups.all())
    elif closure.scope == Closure.Scope.CLASSES:
        pupils = pupils.filter(school_class__in=closure.classes.all())
    return pupils


@transaction.atomic
def closure_declare(
    *,
    by: Staff,
    reason: str,
    scope: str,
    first_day: datetime.date,
    last_day: datetime.date,
    year_groups: Sequence[YearGroup] = (),
    classes: Sequence[SchoolClass] = (),
) -> tuple[Closure, bool]:
    """Declare a closure: the register is filled and carers are emailed. Returns (closure, created).

    Declaring the same closure (school, scope, first day) again changes nothing.
    """
    family.news_changed(by.school_id)  # parents' home pages show this (core.family)
    _require_role(by, LEADERSHIP_ROLES, "declare a closure")
    school = by.school
    if reason not in Closure.Reason.values:
        raise ServiceError("Choose the reason for the closure.")
    if scope not in Closure.Scope.values:
        raise ServiceError("Choose who the closure affects.")
    if last_day < first_day:
        raise ServiceError("The last day cannot be before the first day.")
    if scope == Closure.Scope.YEAR_GROUPS:
        classes = ()
        if not year_groups:
            raise ServiceError("Choose at least one year group.")
    elif scope == Closure.Scope.CLASSES:
        year_groups = ()
        if not classes:
            raise ServiceError("Choose at least one class.")
    else:
        year_groups, classes = (), ()
    if any(yg.school_id != school.pk for yg in year_groups) or any(c.school_id != school.pk for c in classes):
        raise ServiceError("Choose year groups and classes from your own school.")
    calendar = SchoolCalendar.load(school, first_day, last_day)
    if not calendar.is_school_day(first_day):
        raise ServiceError(f"{first_day:%-d %B %Y} is not a school day.")
    if not calendar.is_school_day(last_day):
        raise ServiceError(f"{last_day:%-d %B %Y} is not a school day.")

    key = _scope_key(scope, year_groups, classes)
    existing = Closure.objects.filter(school=school, scope_key=key, first_day=first_day).first()
    if existing is not None:
        return existing, False
    code = closure_code_for(reason=reason, scope=scope)
    try:
        with transaction.atomic():
            closure = Closure.objects.create(
                school=school,
                reason=reason,
                scope=scope,
                scope_key=key,
                first_day=first_day,
                last_day=last_day,
                absence_code_id=code,
                declared_by=by,
            )
    except IntegrityError:
        # Someone declared the same closure a moment ago.
        return Closure.objects.get(school=school, scope_key=key, first_day=first_day), False
    if year_groups:
        closure.year_groups.set(year_groups)
    if classes:
        closure.classes.set(classes)

    days = _school_days(calendar, first_day, last_day)
    rows = _mark_rows(school=school, pupils=_closure_pupils(closure), days=days, code=code, closure=closure)
    audit(
        action="closure.declare",
        actor=by.user,
        school=school,
        target=closure,
        details={"pupils": rows // (2 * len(days)), "school_days": len(days), "marks": rows, "code": code},
    )
    # Carers are told by a task after commit, so declaring costs the same for 50 pupils or 5,000.
    from homelearning.provision.tasks import closure_notify

    closure_pk = closure.pk
    transaction.on_commit(lambda: closure_notify.enqueue(closure_id=closure_pk))
    return closure, True


def _closure_days(closure: Closure) -> str:
    """'on Monday 7 December 2026' for one day, 'from Monday 7 December 2026 to Friday 11 December 2026' else."""
    first = date_format(closure.first_day, "l j F Y")
    if closure.first_day == closure.last_day:
        return gettext("on %(day)s") % {"day": first}
    return gettext("from %(first)s to %(last)s") % {"first": first, "last": date_format(closure.last_day, "l j F Y")}


def _closure_subject(closure: Closure) -> str:
    if closure.first_day == closure.last_day:
        text = gettext("%(school)s: school closed on %(day)s, learning at home")
    else:
        text = gettext("%(school)s: school closed, learning at home from %(day)s")
    return text % {"school": closure.school.name, "day": date_format(closure.first_day, "j F")}


def _closure_body(closure: Closure, carer_name: str, links: Sequence[PupilCarer]) -> str:
    """The closure email, with a link to each child's plan for the first day (first names only)."""
    school = closure.school
    names = ", ".join(link.pupil.first_name for link in links)
    lines = [
        gettext("Dear %(name)s,") % {"name": carer_name},
        "",
        gettext("%(school)s is closed to %(children)s %(days)s (%(reason)s).")
        % {
            "school": school.name,
            "children": names,
            "days": _closure_days(closure),
            "reason": closure.get_reason_display().lower(),
        },
        gettext("Learning continues at home. The plan for %(day)s:") % {"day": date_format(closure.first_day, "l j F")},
    ]
    for link in links:
        path = reverse("learning:child_day", args=[link.pupil.code, closure.first_day])
        lines.append(f"- {link.pupil.first_name}: {settings.SITE_URL}{path}")
    lines += [
        "",
        gettext("If you have questions, contact the office: %(email)s.") % {"email": school.office_email},
    ]
    return "\n".join(lines) + "\n"


def closure_notify_carers(*, closure: Closure) -> int:
    """Queue one email to each affected primary carer (one per carer, naming their children)."""
    from homelearning.provision.selectors import primary_carers_of

    pupil_ids = list(_closure_pupils(closure).values_list("pk", flat=True))
    by_carer: dict[int, list[PupilCarer]] = {}
    for link in primary_carers_of(pupil_ids):
        by_carer.setdefault(link.carer_id, []).append(link)
    school = closure.school
    with transaction.atomic():
        # Claim the closure first, so a retried or repeated task never emails twice.
        claimed = Closure.objects.filter(pk=closure.pk, carers_emailed_at__isnull=True).update(
            carers_emailed_at=clock.now()
        )
        if claimed != 1:
            return 0
        for links in by_carer.values():
            carer = links[0].carer
            if channel_for(carer) != "email":
                _closure_text_or_office(closure, carer, links)
                continue
            with language_of(carer):  # In the carer's own language (issue 16).
                email_queue(
                    to=carer.email,
                    subject=_closure_subject(closure),
                    body_text=_closure_body(
                        closure, carer.full_name, sorted(links, key=lambda link: link.pupil.first_name)
                    ),
                    kind="provision.closure",
                    school=school,
                )
    return len(by_carer)


def _closure_text_or_office(closure: Closure, carer: Carer, links: Sequence[PupilCarer]) -> str:
    """A closure notice by text for a carer with no email (or who asked for texts); else the office rings."""
    first = sorted(links, key=lambda link: link.pupil.first_name)[0]
    link = settings.SITE_URL + reverse("learning:child_day", args=[first.pupil.code, closure.first_day])
    return tell_by_text(
        carer=carer,
        school=closure.school,
        kind="provision.closure",
        about=", ".join(sorted(x.pupil.first_name for x in links)),
        message=lambda: (
            gettext("%(notice)s. The learning is on Home Learning: %(link)s")
            % {"notice": _closure_subject(closure), "link": link}
        ),
    )


@transaction.atomic
def closure_change_last_day(*, closure: Closure, last_day: datetime.date, by: Staff) -> Closure:
    """Extend a closure or end it early: only the days that change are added or removed."""
    family.news_changed(closure.school_id)  # parents' home pages show this (core.family)
    _require_role(by, LEADERSHIP_ROLES, "change a closure")
    if closure.school_id != by.school_id:
        raise PermissionRefused("This closure belongs to another school.")
    old_last = closure.last_day
    if last_day < closure.first_day:
        raise ServiceError("The last day cannot be before the first day of the closure.")
    if last_day == old_last:
        raise ServiceError("That is already the closure's last day.")
    school = closure.school
    calendar = SchoolCalendar.load(school, min(old_last, last_day), max(old_last, last_day))
    if not calendar.is_school_day(last_day):
        raise ServiceError(f"{last_day:%-d %B %Y} is not a school day.")
    updated = Closure.objects.filter(pk=closure.pk, status=Closure.Status.IN_FORCE, last_day=old_last).update(
        last_day=last_day
    )
    if updated != 1:
        raise InvalidTransition("Someone else changed or ended this closure first. Reload the page to see it.")
    if last_day > old_last:
        days = _school_days(calendar, old_last + datetime.timedelta(days=1), last_day)
        _mark_rows(
            school=school,
            pupils=_closure_pupils(closure),
            days=days,
            code=closure.absence_code_id,
            closure=closure,
        )
        action = "closure.extend"
    else:
        RegisterMark.objects.filter(closure=closure, date__gt=last_day).delete()
        action = "closure.shorten"
    audit(
        action=action,
        actor=by.user,
        school=school,
        target=closure,
        details={"from": old_last.isoformat(), "to": last_day.isoformat()},
    )
    return Closure.objects.get(pk=closure.pk)


@transaction.atomic
def closure_end(*, closure: Closure, last_day: datetime.date, by: Staff) -> Closure:
    """End a closure: `last_day` is the final day of remote education (the school reopens after it)."""
    family.news_changed(closure.school_id)  # parents' home pages show this (core.family)
    if last_day != closure.last_day:
        closure = closure_change_last_day(closure=closure, last_day=last_day, by=by)
    else:
        _require_role(by, LEADERSHIP_ROLES, "end a closure")
    updated = Closure.objects.filter(pk=closure.pk, status=Closure.Status.IN_FORCE).update(
        status=Closure.Status.ENDED, ended_by=by, ended_at=clock.now()
    )
    if updated != 1:
        raise InvalidTransition("This closure has already ended.")
    audit(action="closure.end", actor=by.user, school=closure.school, target=closure)
    return Closure.objects.get(pk=closure.pk)


# --- Individual cases -----------------------------------------------------------------------------

RECORD_ROLES = frozenset({*LEADERSHIP_ROLES, Role.OFFICE, Role.INCLUSION_LEAD})
DECIDE_ROLES = LEADERSHIP_ROLES
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# The first bytes of the kinds of document we accept: PDF, PNG, JPEG.
DOCUMENT_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def check_document(document: UploadedFile | None) -> File[bytes] | None:
    """A document must be a PDF or an image, and at most 5 MB (judged by its content, not its name).

    A PDF goes through the one PDF gate (core.pdfgate): the file to keep is the one returned."""
    if document is None:
        return None
    if document.size is None or document.size > MAX_DOCUMENT_BYTES:
        raise ServiceError("The document is too large: the limit is 5 MB.")
    document.seek(0)
    head = document.read(8)
    document.seek(0)
    if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES):
        raise ServiceError("The document must be a PDF, PNG or JPEG file.")
    if head.startswith(b"%PDF-"):
        cleaned = pdf_check_and_clean(document.read())
        return ContentFile(cleaned, name=document.name or "document.pdf")
    return document


def latest_end_allowed(*, school: School, start: datetime.date, weeks: int) -> datetime.date | None:
    """The last school day of `weeks` school weeks counted from `start` (None when the calendar has none)."""
    days = next_school_days(school, start, weeks * DAYS_PER_SCHOOL_WEEK)
    return days[-1] if days else None


def review_due_after(*, school: School, start: datetime.date, weeks: int) -> datetime.date | None:
    days = next_school_days(school, start, weeks * DAYS_PER_SCHOOL_WEEK + 1)
    return days[-1] if days else None


def _parties_for(case: Case) -> list[AgreementParty]:
    pupil = case.pupil
    parties = [AgreementParty(case=case, kind=AgreementParty.Kind.SCHOOL, label=case.school.name)]
    links = PupilCarer.objects.filter(pupil=pupil, parental_responsibility=True).select_related("carer")
    parties += [
        AgreementParty(
            case=case,
            kind=AgreementParty.Kind.CARER,
            carer=link.carer,
            label=f"{link.carer.full_name} ({link.get_relationship_display().lower()})",
        )
        for link in links
    ]
    parties.append(AgreementParty(case=case, kind=AgreementParty.Kind.PUPIL, label=f"{pupil.full_name} (the pupil)"))
    if case.medical_professional_involved:
        parties.append(AgreementParty(case=case, kind=AgreementParty.Kind.MEDICAL, label="The medical professional"))
    if pupil.has_ehc_plan or pupil.has_social_worker:
        parties.append(AgreementParty(case=case, kind=AgreementParty.Kind.LOCAL_AUTHORITY, label="The local authority"))
    return AgreementParty.objects.bulk_create(parties)


@transaction.atomic
def case_request(
    *,
    by: Staff,
    pupil: Pupil,
    requested_by: str,
    requested_on: datetime.date,
    reason: str,
    notes: str = "",
    medical_professional_involved: bool = False,
) -> Case:
    """Record a request. Reasons the policy excludes are refused at once (stored, with the reason, and no marks)."""
    _require_role(by, RECORD_ROLES, "record a request for remote education")
    if pupil.school_id != by.school_id or pupil.left_on is not None:
        raise PermissionRefused("This pupil is not on roll at your school.")
    if reason not in Case.Reason.values:
        raise ServiceError("Choose the reason for the request.")
    if not requested_by.strip():
        raise ServiceError("Say who asked.")
    if requested_on > clock.today():
        raise ServiceError("The request date cannot be in the future.")
    usual_code, _ = case_codes_for(reason)
    refusal = REFUSALS.get(Case.Reason(reason), "")
    if not refusal and Case.objects.filter(pupil=pupil, status__in=Case.OPEN_STATUSES).exists():
        raise ServiceError(f"{pupil.full_name} already has an open case. Review or end it first.")
    try:
        with transaction.atomic():
            case = Case.objects.create(
                school=pupil.school,
                pupil=pupil,
                requested_by=requested_by.strip(),
                requested_on=requested_on,
                reason=reason,
                notes=notes,
                status=Case.Status.REFUSED if refusal else Case.Status.PREPARING,
                refusal_reason=refusal,
                medical_professional_involved=medical_professional_involved,
                absence_code_id=usual_code,
                recorded_by=by,
            )
    except IntegrityError:
        raise ServiceError(f"{pupil.full_name} already has an open case. Review or end it first.") from None
    if not refusal:
        _parties_for(case)
    audit(
        action="case.refuse" if refusal else "case.request",
        actor=by.user,
        school=case.school,
        target=case,
        details={"reason": reason},
    )
    return case


def _require_preparing(case: Case) -> None:
    if case.status != Case.Status.PREPARING:
        raise InvalidTransition("This case is no longer being prepared.")


@transaction.atomic
def risk_assessment_record(
    *,
    case: Case,
    by: Staff,
    assessed_on: datetime.date,
    assessed_by: str,
    findings: str,
    document: UploadedFile | None = None,
) -> RiskAssessment:
    _require_role(by, DECIDE_ROLES, "record a risk assessment")
    _require_preparing(case)
    if assessed_on > clock.today():
        raise ServiceError("The assessment date cannot be in the future.")
    if not findings.strip() or not assessed_by.strip():
        raise ServiceError("Say who assessed the risks and what they found.")
    kept = check_document(document)
    assessment = RiskAssessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        assessed_by=assessed_by.strip(),
        findings=findings,
        document=kept or "",
        recorded_by=by,
    )
    audit(action="case.risk_assessment", actor=by.user, school=case.school, target=case)
    return assessment


@transaction.atomic
def medical_advice_record(
    *,
    case: Case,
    by: Staff,
    advised_by: str,
    advised_on: datetime.date,
    summary: str,
    document: UploadedFile | None = None,
) -> MedicalAdvice:
    _require_role(by, DECIDE_ROLES, "record medical advice")
    _require_preparing(case)
    if advised_on > clock.today():
        raise ServiceError("The date of the advice cannot be in the future.")
    if not summary.strip() or not advised_by.strip():
        raise ServiceError("Say who gave the advice and summarise it.")
    kept = check_document(document)
    advice = MedicalAdvice.objects.create(
        case=case,
        advised_by=advised_by.strip(),
        advised_on=advised_on,
        summary=summary,
        document=kept or "",
        recorded_by=by,
    )
    audit(action="case.medical_advice", actor=by.user, school=case.school, target=case)
    return advice


@transaction.atomic
def agreement_record(
    *, case: Case, party: AgreementParty, by: Staff, agreed_on: datetime.date, how: str, note: str = ""
) -> AgreementParty:
    _require_role(by, DECIDE_ROLES, "record an agreement")
    if party.case_id != case.pk:
        raise ServiceError("That party is not part of this case.")
    if how not in AgreementParty.How.values:
        raise ServiceError("Say how they agreed: at a meeting, on a signed form or by email.")
    if agreed_on > clock.today():
        raise ServiceError("The date of agreement cannot be in the future.")
    updated = AgreementParty.objects.filter(
        pk=party.pk, recorded_at__isnull=True, case__status=Case.Status.PREPARING
    ).update(agreed_on=agreed_on, agreed_how=how, note=note[:300], recorded_by=by, recorded_at=clock.now())
    if updated != 1:
        raise InvalidTransition(f"The agreement of {party.label} is already recorded, or the case has moved on.")
    audit(
        action="case.agreement",
        actor=by.user,
        school=case.school,
        target=case,
        details={"party": party.label, "how": how},
    )
    return AgreementParty.objects.get(pk=party.pk)


def case_missing(case: Case) -> list[str]:
    """What the case still needs before it can start, in words for the page."""
    missing = []
    if not RiskAssessment.objects.filter(case=case).exists():
        missing.append("a risk assessment")
    if not MedicalAdvice.objects.filter(case=case).exists():
        missing.append("medical advice")
    for label in AgreementParty.objects.filter(case=case, recorded_at__isnull=True).values_list("label", flat=True):
        missing.append(f"the agreement of {label}")
    return missing


def _check_case_dates(*, school: School, start: datetime.date, end: datetime.date, weeks: int, what: str) -> None:
    if end < start:
        raise ServiceError(f"The end date cannot be before the {what}.")
    calendar = SchoolCalendar.load(school, min(start, end), max(start, end))
    for day, name in ((start, what), (end, "end date")):
        if not calendar.is_school_day(day):
            raise ServiceError(f"The {name} ({day:%-d %B %Y}) is not a school day.")
    latest = latest_end_allowed(school=school, start=start, weeks=weeks)
    if latest is None or end > latest:
        if latest is None:
            raise ServiceError(
                f"A case can run for at most {weeks} school weeks at a time, and the school calendar has no "
                "school days after this start. Add the next term on the calendar page first."
            )
        raise ServiceError(
            f"A case can run for at most {weeks} school weeks at a time: choose an end date on or before "
            f"{latest:%A %-d %B %Y}. If the pupil needs longer, continue the case at a review before then."
        )


@transaction.atomic
def case_activate(
    *, case: Case, by: Staff, start_date: datetime.date, end_date: datetime.date, code: str | None = None
) -> Case:
    """Start remote education: only when assessed, advised and agreed by everyone, and only once."""
    _require_role(by, DECIDE_ROLES, "start a case")
    school = case.school
    policy = policy_in_force(school)
    absence = _case_code(case, code or case.absence_code_id)
    _check_case_dates(
        school=school, start=start_date, end=end_date, weeks=policy.case_max_school_weeks, what="start date"
    )
    review = review_due_after(school=school, start=start_date, weeks=policy.case_review_every_school_weeks)
    ready = (
        Exists(RiskAssessment.objects.filter(case=OuterRef("pk")))
        & Exists(MedicalAdvice.objects.filter(case=OuterRef("pk")))
        & ~Exists(AgreementParty.objects.filter(case=OuterRef("pk"), recorded_at__isnull=True))
    )
    # One statement decides: two leaders pressing "start" at once cannot both succeed.
    updated = Case.objects.filter(ready, pk=case.pk, status=Case.Status.PREPARING).update(
        status=Case.Status.ACTIVE,
        start_date=start_date,
        end_date=end_date,
        next_review_date=review,
        absence_code=absence,
        activated_by=by,
        activated_at=clock.now(),
    )
    if updated != 1:
        if Case.objects.filter(pk=case.pk, status=Case.Status.PREPARING).exists():
            raise ServiceError("The case cannot start yet. Still needed: " + "; ".join(case_missing(case)) + ".")
        raise InvalidTransition("Someone else has already started or closed this case. Reload the page to see it.")
    days = _school_days(SchoolCalendar.load(school, start_date, end_date), start_date, end_date)
    _mark_rows(school=school, pupils=Pupil.objects.filter(pk=case.pupil_id), days=days, code=absence.code, case=case)
    audit(
        action="case.activate",
        actor=by.user,
        school=school,
        target=case,
        details={"start": start_date.isoformat(), "end": end_date.isoformat(), "code": absence.code},
    )
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def case_end(*, case: Case, by: Staff, return_date: datetime.date) -> Case:
    """The pupil returns to school on `return_date`: later marks go and the case closes."""
    _require_role(by, DECIDE_ROLES, "end a case")
    school = case.school
    if not SchoolCalendar.load(school, return_date, return_date).is_school_day(return_date):
        raise ServiceError(f"The return date ({return_date:%-d %B %Y}) is not a school day.")
    if case.start_date and return_date <= case.start_date:
        raise ServiceError("The return date must be after the case started.")
    updated = Case.objects.filter(pk=case.pk, status=Case.Status.ACTIVE).update(
        status=Case.Status.CLOSED, return_date=return_date, closed_by=by, closed_at=clock.now()
    )
    if updated != 1:
        raise InvalidTransition("Only an active case can be ended; someone may have ended it already.")
    RegisterMark.objects.filter(case=case, date__gte=return_date).delete()
    audit(action="case.end", actor=by.user, school=school, target=case, details={"return": return_date.isoformat()})
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def case_withdraw(*, case: Case, by: Staff, note: str = "") -> Case:
    """Close a case that never started (the family no longer asks, or the parties do not agree)."""
    _require_role(by, DECIDE_ROLES, "close a case")
    updated = Case.objects.filter(pk=case.pk, status=Case.Status.PREPARING).update(
        status=Case.Status.CLOSED, closed_by=by, closed_at=clock.now()
    )
    if updated != 1:
        raise InvalidTransition("Only a case being prepared can be withdrawn.")
    audit(action="case.withdraw", actor=by.user, school=case.school, target=case, details={"note": note})
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def review_record(
    *,
    case: Case,
    by: Staff,
    held_on: datetime.date,
    support: str,
    reintegration_plan: str,
    reintegration_steps: str = "",
    decision: str,
    new_end_date: datetime.date | None = None,
    return_date: datetime.date | None = None,
) -> Review:
    _require_role(by, DECIDE_ROLES, "record a review")
    if case.status != Case.Status.ACTIVE:
        raise InvalidTransition("Only an active case can be reviewed.")
    if held_on > clock.today():
        raise ServiceError("The review date cannot be in the future.")
    if not support.strip() or not reintegration_plan.strip():
        raise ServiceError("Record the support in place and the reintegration plan.")
    school = case.school
    policy = policy_in_force(school)
    if decision == Review.Decision.CONTINUE:
        if new_end_date is None:
            raise ServiceError("Give the new end date.")
        assert case.end_date is not None  # noqa: S101 - an active case has dates
        if new_end_date <= case.end_date:
            raise ServiceError("The new end date must be after the current end date.")
        if not SchoolCalendar.load(school, new_end_date, new_end_date).is_school_day(new_end_date):
            raise ServiceError(f"The new end date ({new_end_date:%-d %B %Y}) is not a school day.")
        latest = latest_end_allowed(school=school, start=held_on, weeks=policy.case_max_school_weeks)
        if latest is None or new_end_date > latest:
            raise ServiceError(
                f"A review may extend a case by at most {policy.case_max_school_weeks} school weeks"
                + (f" ({latest:%-d %B %Y})." if latest else ".")
            )
        old_end = case.end_date
        updated = Case.objects.filter(pk=case.pk, status=Case.Status.ACTIVE, end_date=old_end).update(
            end_date=new_end_date,
            next_review_date=review_due_after(
                school=school, start=held_on, weeks=policy.case_review_every_school_weeks
            ),
        )
        if updated != 1:
            raise InvalidTransition("Someone else changed this case first. Reload the page to see it.")
        start = old_end + datetime.timedelta(days=1)
        days = _school_days(SchoolCalendar.load(school, start, new_end_date), start, new_end_date)
        _mark_rows(
            school=school,
            pupils=Pupil.objects.filter(pk=case.pupil_id),
            days=days,
            code=case.absence_code_id,
            case=case,
        )
    elif decision == Review.Decision.RETURN:
        if return_date is None:
            raise ServiceError("Give the date the pupil returns to school.")
        case_end(case=case, by=by, return_date=return_date)
    else:
        raise ServiceError("Choose the decision: continue, or return to school.")
    review = Review.objects.create(
        case=case,
        held_on=held_on,
        support=support,
        reintegration_plan=reintegration_plan,
        reintegration_steps=reintegration_steps,
        decision=decision,
        new_end_date=new_end_date if decision == Review.Decision.CONTINUE else None,
        return_date=return_date if decision == Review.Decision.RETURN else None,
        recorded_by=by,
    )
    audit(action="case.review", actor=by.user, school=school, target=case, details={"decision": decision})
    return review


# --- Illness alerts ---------------------------------------------------------------------------------


def illness_alerts_send(*, today: datetime.date | None = None) -> int:
    """Email each headteacher once per pupil whose illness absence reached the policy's threshold."""
    from homelearning.provision.selectors import illness_days

    sent = 0
    for school in School.objects.all():
        policy = policy_in_force(school)
        counts = illness_days(
            school=school, code="I", threshold=policy.illness_alert_school_days, today=today or clock.today()
        )
        if not counts:
            continue
        already = set(IllnessAlert.objects.filter(pupil_id__in=counts).values_list("pupil_id", flat=True))
        new = {pk: n for pk, n in counts.items() if pk not in already}
        if not new:
            continue
        heads = list(
            Staff.objects.filter(school=school, is_active=True, roles__role=Role.HEADTEACHER)
            .select_related("user")
            .distinct()
        )
        with transaction.atomic():
            for pupil in Pupil.objects.filter(pk__in=new).select_related("school_class"):
                _, created = IllnessAlert.objects.get_or_create(
                    pupil=pupil, defaults={"school": school, "school_days": new[pupil.pk]}
                )
                if not created:
                    continue
                for head in heads:
                    email_queue(
                        to=head.user.email,
                        subject=f"Illness absence: {pupil.full_name} has reached {new[pupil.pk]} school days",
                        body_text=(
                            f"{pupil.full_name} ({pupil.school_class}) has been absent with illness (code I) "
                            f"for {new[pupil.pk]} school days, consecutive or not.\n\n"
                            "The local authority must be told about pupils who will miss 15 school days "
                            "through illness. See the Remote education dashboard in Home Learning.\n"
                        ),
                        kind="provision.illness_alert",
                        school=school,
                    )
                audit(
                    action="provision.illness_alert",
                    actor=None,
                    school=school,
                    target=pupil,
                    details={"school_days": new[pupil.pk]},
                )
                sent += 1
    return sent
