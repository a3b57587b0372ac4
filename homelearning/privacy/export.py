"""Everything held about one pupil or carer, found by following each model's foreign keys to them.

Every model with a foreign-key path to Pupil or Carer (or a direct key to User, for a carer's own
actions) is listed here: in SECTIONS, exported, or in EXCLUDED, with the reason. A test walks every
installed model and fails on one that is in neither, so a record type another app adds later cannot
silently escape a subject access request.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage
from django.db import connection, models
from django.db.models import Q
from django.db.models.fields.files import FieldFile

from homelearning.core.models import AuditEvent, OutboundEmail
from homelearning.people.models import Carer, Pupil, Staff, User

# Exported record types, by model label, with the heading the summary gives them.
SECTIONS: dict[str, str] = {
    # people
    "people.pupilcarer": "Family links",
    "account.emailaddress": "Sign-in email addresses",
    "people.rememberedphone": "Phones kept signed in",
    # provision
    "provision.case": "Remote education cases",
    "provision.riskassessment": "Risk assessments",
    "provision.medicaladvice": "Medical advice",
    "provision.agreementparty": "Agreements to remote education",
    "provision.review": "Case reviews",
    "provision.registermark": "Attendance register marks",
    "provision.illnessalert": "Illness absence alerts",
    # learning (bespoke learning for this pupil)
    "learning.activity": "Bespoke learning activities",
    "learning.activityomission": "Class activities dropped for this pupil",
    # journal
    "journal.workitem": "Work sent in",
    "journal.workfile": "Files of work sent in",
    "journal.feedback": "Feedback on work",
    "journal.comment": "Comments on work",
    "journal.callrequest": "Calls asked for and made",
    "journal.feedbackemailchoice": "How feedback emails are sent",
    "journal.digestentry": "Feedback email digests",
    # packs
    "packs.pack": "Paper packs",
    # contact
    "contact.enquiry": "Enquiries to the school",
    # live
    "live.invitation": "Live-session invitations, attendance and agreement acceptances",
    "live.liveban": "Live-session access paused after a breach of the agreement",
    "live.invitationrecipient": "Who receives live-session invitations",
    # safeguarding: only when the DSL decides
    "safeguarding.concern": "Safeguarding concerns",
    "safeguarding.concernpupil": "Safeguarding concerns: pupils named",
    "safeguarding.concernentry": "Safeguarding concern records",
    "safeguarding.vulnerablepupil": "Vulnerable pupil list entries",
    "safeguarding.contact": "Welfare contacts",
    "safeguarding.filteralert": "Filtering and monitoring alerts",
    "texts.outboundtext": "Text messages sent",
    "texts.callorpost": "Messages the office rang or posted",
    "engagement.planopening": "Days the learning plan was opened",
    # roster: none of its models names a pupil (imported rows are people.Pupil); see EXCLUDED.
}

SAFEGUARDING_APPS = frozenset({"safeguarding"})

# Record types with a path to a pupil or carer that are deliberately not exported, and why.
EXCLUDED: dict[str, str] = {
    "people.pupil": "The subject's own record: exported first, as the subject.",
    "people.carer": "The subject's own record: exported first, as the subject.",
    "people.staff": "Staff memberships: about staff, not pupils or carers.",
    "socialaccount.socialaccount": "A member of staff's link to the school's Microsoft or Google account; "
    "a sign-in never makes one for a carer (sso.adapter).",
    "roster.wondesettings": "The school's link to Wonde; a user key only records who changed it.",
    "roster.markwriteback": "Whether each register mark (exported with the register) has reached the MIS: "
    "a delivery record, no data of its own.",
    "sso.signinsettings": "How the school's staff sign in; a user key only records who changed it.",
    "people.policyversion": "Policy figures; a user key only records which member of staff published them.",
    "core.auditevent": "Exported in its own section (matched by the subject's codes and account), not by key.",
    "account.emailconfirmation": "Short-lived confirmation keys for an email address: credentials, not records.",
    "mfa.authenticator": "Two-factor secrets: credentials, not information about the person.",
    "roster.columnmapping": "Which import column holds which field; the user key is the member of staff who saved it.",
    "roster.importbatch": (
        "An uploaded MIS file's rows, held only until committed or expired (a day); the pupils it creates "
        "are exported as people.Pupil. The user keys are the staff who imported."
    ),
    "api.apitoken": "API tokens belong to staff.",
    "privacy.privacysettings": "School settings; the user key is the headteacher who changed them.",
    "privacy.subjectaccessrequest": "The request itself is listed in the export's summary.",
    "privacy.retentionrun": "Counts of records removed; no content about the person.",
    "privacy.retentionrule": "The school's retention schedule; the user key is the headteacher who changed it.",
    "privacy.anonymised": "A marker that a person was anonymised; it holds nothing about them.",
    "privacy.policyreviewreminder": "A reminder sent to the headteacher about the policy.",
    "safeguarding.safeguardingsettings": "A school setting.",
    "engagement.engagementsettings": "A school setting; the key is the headteacher who changed it.",
    "engagement.trust": "A trust, its schools and its leaders: about the trust's staff, not pupils or carers.",
    "engagement.quietdigest": "What a teacher's daily email last listed: one row a teacher, about the teacher.",
}

MAX_DEPTH = 3


@dataclass(frozen=True)
class Target:
    model: type[models.Model]
    instance: models.Model


def _forward_relations(model: type[models.Model]) -> Iterator[models.Field[Any, Any]]:
    for f in model._meta.get_fields():
        if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many) and f.related_model:
            yield f


def paths_to(model: type[models.Model], target: type[models.Model], *, max_depth: int = MAX_DEPTH) -> list[str]:
    """The shortest lookups (e.g. ``item__pupil``) from `model` to `target` over forward keys, or []."""
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(max_depth):
        found: list[str] = []
        following: list[tuple[type[models.Model], str]] = []
        for current, prefix in frontier:
            for f in _forward_relations(current):
                related = f.related_model
                lookup = f"{prefix}{f.name}"
                if related is target:
                    found.append(lookup)
                elif isinstance(related, type) and related not in {Pupil, Carer, User, Staff}:
                    # Never walk on through another person: their records are not the subject's.
                    following.append((related, f"{lookup}__"))
        if found:
            return sorted(found)
        frontier = following
    return []


def user_keys(model: type[models.Model]) -> list[str]:
    """Direct keys to a login: rows where a carer acted (sent work, wrote a comment, raised a concern)."""
    return sorted(f.name for f in _forward_relations(model) if f.related_model is User)


def models_about_people() -> list[type[models.Model]]:
    """Every installed model with a key path to a pupil or carer, or a direct key to a login."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or model in {Pupil, Carer, User}:
            continue
        if paths_to(model, Pupil) or paths_to(model, Carer) or user_keys(model):
            found.append(model)
    return found


# --- Redaction --------------------------------------------------------------------

REDACTED = "[name redacted]"


@dataclass
class Redactor:
    """Replaces other pupils' and carers' names (third parties) in text and in keys to them."""

    enabled: bool
    allowed_pupils: set[int] = field(default_factory=set)
    allowed_carers: set[int] = field(default_factory=set)
    allowed_users: set[int] = field(default_factory=set)
    staff_users: set[int] = field(default_factory=set)
    pattern: re.Pattern[str] | None = None
    # Models whose text needs a query (found once per export; see related_label).
    needs_queries: set[type[models.Model]] = field(default_factory=set)

    @classmethod
    def build(cls, *, enabled: bool, school_id: int, pupils: Iterable[Pupil], carers: Iterable[Carer]) -> Redactor:
        pupils, carers = list(pupils), list(carers)
        redactor = cls(
            enabled=enabled,
            allowed_pupils={p.pk for p in pupils},
            allowed_carers={c.pk for c in carers},
            allowed_users={c.user_id for c in carers if c.user_id},
            staff_users=set(Staff.objects.filter(school_id=school_id).values_list("user_id", flat=True)),
        )
        if enabled:
            keep = {n.lower() for p in pupils for n in (p.first_name, p.legal_first_name, p.surname, p.full_name)}
            keep |= {n.lower() for c in carers for n in (c.first_name, c.surname, c.full_name)}
            names: set[str] = set()
            for p in Pupil.objects.filter(school_id=school_id).exclude(pk__in=redactor.allowed_pupils):
                names |= {p.full_name, f"{p.legal_first_name} {p.surname}", p.first_name, p.legal_first_name}
            for c in Carer.objects.filter(school_id=school_id).exclude(pk__in=redactor.allowed_carers):
                names |= {c.full_name, c.first_name}
            names = {n for n in names if len(n) >= 3 and n.lower() not in keep}
            if names:
                # Longest first, so "Cara Quinn" goes whole rather than leaving "Quinn".
                alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                redactor.pattern = re.compile(rf"\b(?:{alternatives})\b")
        return redactor

    def text(self, value: str) -> str:
        if not self.enabled or self.pattern is None or not value:
            return value
        return self.pattern.sub(REDACTED, value)

    def related(self, obj: models.Model) -> str:
        if not self.enabled:
            return related_label(obj, self.needs_queries)
        if isinstance(obj, Pupil) and obj.pk not in self.allowed_pupils:
            return "[another pupil]"
        if isinstance(obj, Carer) and obj.pk not in self.allowed_carers:
            return "[another parent or carer]"
        if isinstance(obj, User) and obj.pk not in self.allowed_users and obj.pk not in self.staff_users:
            return "[another person]"
        return self.text(related_label(obj, self.needs_queries))


class _QueryNeeded(Exception):
    pass


def _refuse_queries(*args: Any) -> Any:
    raise _QueryNeeded


def related_label(obj: models.Model, needs_queries: set[type[models.Model]]) -> str:
    """How a record names another it refers to: its own text when that needs no query, else its kind and code.

    Many models' `str()` follows keys of their own (a live session names its class), which would cost a
    query or two for every row exported. The text is tried once per model with queries refused; a model
    whose text needs one is remembered in `needs_queries` and its records are named like "Live session
    4Fq…" from then on, which their own section of the export lists in full.
    """
    model = type(obj)
    if model not in needs_queries:
        try:
            with connection.execute_wrapper(_refuse_queries):
                return str(obj)
        except _QueryNeeded:
            needs_queries.add(model)
    return f"{str(obj._meta.verbose_name).capitalize()} {getattr(obj, 'code', None) or obj.pk}"


# --- Serialising ------------------------------------------------------------------


def _value(obj: models.Model, f: models.Field[Any, Any], redactor: Redactor) -> Any:
    if f.many_to_many:
        return [redactor.related(o) for o in getattr(obj, f.name).all()]
    if f.is_relation:
        related = getattr(obj, f.name)
        return None if related is None else redactor.related(related)
    value = getattr(obj, f.attname)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict | list):
        return json.loads(redactor.text(json.dumps(value)))
    return value


# "session_key" is a remembered phone's live sign-in: a credential, never written into an export.
_SKIP_FIELDS = frozenset({"id", "school", "password", "key_hash", "table", "preview", "session_key"})


def serialise(obj: models.Model, redactor: Redactor) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in obj._meta.get_fields():
        if not getattr(f, "concrete", False) or f.name in _SKIP_FIELDS or getattr(f, "auto_created", False):
            continue
        data[f.name] = _value(obj, f, redactor)  # type: ignore[arg-type]
    return data


def _verbose(f: models.Field[Any, Any]) -> str:
    return str(getattr(f, "verbose_name", f.name))


def labels_for(model: type[models.Model]) -> dict[str, str]:
    return {
        f.name: _verbose(f).capitalize()  # type: ignore[arg-type]
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and f.name not in _SKIP_FIELDS and not getattr(f, "auto_created", False)
    }


@dataclass
class ExportFile:
    storage: Storage
    name: str
    arcname: str


@dataclass
class Section:
    label: str
    title: str
    records: list[dict[str, Any]]
    field_labels: dict[str, str]


@dataclass
class Export:
    subject: dict[str, Any]
    subject_labels: dict[str, str]
    sections: list[Section]
    files: list[ExportFile]
    withheld: list[str]
    audit: list[dict[str, Any]]
    emails: list[dict[str, Any]]

    def as_json(self, request: dict[str, Any]) -> str:
        payload = {
            "request": request,
            "subject": self.subject,
            "sections": {s.label: {"title": s.title, "records": s.records} for s in self.sections},
            "audit_log": self.audit,
            "emails": self.emails,
            "withheld": self.withheld,
            "not_exported": EXCLUDED,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


def _rows(model: type[models.Model], q: Q) -> list[models.Model]:
    """The rows, with every key the serialiser follows joined or prefetched (no query per row)."""
    single = [f.name for f in model._meta.concrete_fields if f.is_relation and f.name not in _SKIP_FIELDS]
    many = [f.name for f in model._meta.many_to_many]
    return list(
        model._default_manager.filter(q).distinct().select_related(*single).prefetch_related(*many).order_by("pk")
    )


def _query_for(model: type[models.Model], *, pupils: list[Pupil], carers: list[Carer], users: list[int]) -> Q | None:
    q = Q()
    matched = False
    if pupils:
        for lookup in paths_to(model, Pupil):
            q |= Q(**{f"{lookup}__in": pupils})
            matched = True
    if carers:
        for lookup in paths_to(model, Carer):
            q |= Q(**{f"{lookup}__in": carers})
            matched = True
    if users:
        for lookup in user_keys(model):
            q |= Q(**{f"{lookup}__in": users})
            matched = True
    return q if matched else None


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def build_export(
    *,
    school_id: int,
    pupil: Pupil | None,
    carer: Carer | None,
    include_safeguarding: bool,
    redact: bool,
) -> Export:
    """Collect every record held about the pupil (or carer). Safeguarding records only if included."""
    if pupil is not None:
        subject_obj: models.Model = pupil
        family = list(Carer.objects.filter(pupil_links__pupil=pupil).distinct())
        redactor = Redactor.build(enabled=redact, school_id=school_id, pupils=[pupil], carers=family)
        pupils, carers, users = [pupil], [], []
    else:
        assert carer is not None  # noqa: S101 - one of the two is always given
        subject_obj = carer
        children = list(Pupil.objects.filter(carer_links__carer=carer).distinct())
        redactor = Redactor.build(enabled=redact, school_id=school_id, pupils=children, carers=[carer])
        pupils, carers, users = [], [carer], [carer.user_id] if carer.user_id else []

    sections: list[Section] = []
    files: list[ExportFile] = []
    withheld: list[str] = []
    codes = {str(getattr(subject_obj, "code", ""))}
    for label, title in SECTIONS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._meta.app_label in SAFEGUARDING_APPS and not include_safeguarding:
            withheld.append(title)
            continue
        q = _query_for(model, pupils=pupils, carers=carers, users=users)
        if q is None:
            continue
        rows = _rows(model, q)
        if not rows:
            continue
        records = []
        for row in rows:
            records.append(serialise(row, redactor))
            code = getattr(row, "code", None)
            if code:
                codes.add(str(code))
            for f in _file_fields(model):
                value = getattr(row, f.name)
                if value and value.name:
                    arcname = (
                        f"files/{label.replace('.', '_')}/{code or row.pk}_{f.name}_{value.name.rsplit('/', 1)[-1]}"
                    )
                    files.append(ExportFile(storage=value.storage, name=value.name, arcname=arcname))
        sections.append(Section(label=label, title=title, records=records, field_labels=labels_for(model)))

    audit_q = Q(target_code__in=codes)
    if users:
        audit_q |= Q(actor_id__in=users)
    events = AuditEvent.objects.filter(audit_q, school_id=school_id)
    if not include_safeguarding:
        events = events.exclude(action__startswith="safeguarding.").exclude(target_type__startswith="safeguarding.")
    audit_rows = [
        {
            "when": e.created_at.isoformat(),
            "action": e.action,
            "by": e.actor_label if (e.actor_id in redactor.staff_users or e.actor_id in users) else "[another person]",
            "record": e.target_type,
            "ip": e.ip if e.actor_id in users else None,
        }
        for e in events.order_by("created_at", "pk")
    ]
    emails: list[dict[str, Any]] = []
    if carer is not None:
        addresses = {a for a in (carer.email, carer.user.email if carer.user else "") if a}
        emails = [
            {
                "queued": e.created_at.isoformat(),
                "to": e.to,
                "subject": e.subject,
                "status": e.get_status_display(),
                "body": redactor.text(e.body_text),
            }
            for e in OutboundEmail.objects.filter(to__in=addresses, school_id=school_id).order_by("created_at")
        ]
    subject_model = type(subject_obj)
    return Export(
        subject=serialise(subject_obj, redactor),
        subject_labels=labels_for(subject_model),
        sections=sections,
        files=files,
        withheld=withheld,
        audit=audit_rows,
        emails=emails,
    )
