"""Every write of the roster import: upload and preview, column mapping, commit."""

from __future__ import annotations

import datetime
import secrets
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction

from homelearning.core import clock, family
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.people import services as people_services
from homelearning.people.models import Carer, ClassStaff, Pupil, PupilCarer, School, SchoolClass, StaffRole, User
from homelearning.roster.models import ColumnMapping, ImportBatch, ImportKind
from homelearning.roster.pupils import Problems, PupilPlan, group_csv_records, plan_pupils, records_from_table, squash
from homelearning.roster.reading import (
    FIELDS_BY_KIND,
    ImportRefused,
    check_size,
    looks_like_xml,
    read_csv,
    read_ctf,
    recognise_columns,
)
from homelearning.roster.staff import StaffPlan, plan_staff, staff_records
from homelearning.texts.phones import mobile_or_none

BULK_BATCH = 1000


def max_upload_bytes() -> int:
    return int(settings.ROSTER_MAX_UPLOAD_BYTES)


def saved_columns(*, school: School, kind: str) -> dict[str, str]:
    mapping = ColumnMapping.objects.filter(school=school, kind=kind).first()
    return dict(mapping.columns) if mapping else {}


def _plan(batch: ImportBatch, *, today: datetime.date | None = None, by: User | None = None) -> PupilPlan | StaffPlan:
    """The comparison of the batch's rows with the school as it is now. Writes nothing."""
    problems = Problems()
    table: dict[str, Any] = batch.table
    if batch.source == ImportBatch.Source.WONDE and batch.kind == ImportKind.STAFF:
        importer = by.pk if by is not None else batch.created_by_id
        return plan_staff(school=batch.school, records=table["records"], problems=problems, by_id=importer, today=today)
    if batch.source in (ImportBatch.Source.CTF, ImportBatch.Source.WONDE):
        return plan_pupils(
            school=batch.school,
            pupils=table["records"],
            full=batch.full,
            default_class_name=batch.default_class_name,
            problems=problems,
            today=today,
        )
    columns = table["columns"]
    if batch.kind == ImportKind.STAFF:
        records = staff_records(headers=table["headers"], rows=table["rows"], mapping=columns, problems=problems)
        if problems.items:
            return StaffPlan(preview={"problems": problems.items, "counts": {}}, problems=problems.items)
        importer = by.pk if by is not None else batch.created_by_id
        return plan_staff(school=batch.school, records=records, problems=problems, by_id=importer, today=today)
    records = records_from_table(
        headers=table["headers"], rows=table["rows"], mapping=columns, problems=problems, full=batch.full
    )
    if problems.items:
        return PupilPlan(preview={"problems": problems.items, "counts": {}}, problems=problems.items)
    pupils = group_csv_records(records, problems)
    return plan_pupils(
        school=batch.school,
        pupils=pupils,
        full=batch.full,
        default_class_name=batch.default_class_name,
        problems=problems,
        today=today,
    )


def _preview_of(batch: ImportBatch) -> dict[str, Any]:
    plan = _plan(batch)
    preview = dict(plan.preview)
    preview.setdefault("problems", plan.problems)
    if batch.source == ImportBatch.Source.CSV:
        preview["headers"] = batch.table["headers"]
        preview["columns"] = batch.table["columns"]
    return preview


@transaction.atomic
def import_upload(
    *,
    school: School,
    by: User,
    upload: IO[bytes],
    file_name: str,
    size: int | None,
    kind: str = ImportKind.PUPILS,
    full: bool = True,
    default_class_name: str = "",
) -> ImportBatch:
    """Read an MIS file and store its rows with a preview. Raises ImportRefused for an unreadable file."""
    if kind not in ImportKind.values:
        raise ServiceError("Choose what the file holds: pupils or staff.")
    limit = max_upload_bytes()
    check_size(size=size, max_bytes=limit)
    raw: IO[bytes] = getattr(upload, "file", upload)
    if looks_like_xml(raw):
        if kind != ImportKind.PUPILS:
            raise ImportRefused("A Common Transfer File holds pupils, not staff.")
        table: dict[str, Any] = {"records": read_ctf(raw, max_bytes=limit)}
        source = ImportBatch.Source.CTF
    else:
        csv_table = read_csv(raw, max_bytes=limit, max_rows=int(settings.ROSTER_MAX_ROWS))
        columns = recognise_columns(headers=csv_table.headers, kind=kind, saved=saved_columns(school=school, kind=kind))
        table = {"headers": csv_table.headers, "rows": csv_table.rows, "columns": columns}
        source = ImportBatch.Source.CSV
    batch = ImportBatch(
        school=school,
        kind=kind,
        source=source,
        file_name=file_name[:200],
        full=full,
        default_class_name=default_class_name.strip()[:60],
        table=table,
        created_by=by,
    )
    return _previewed(batch)


def _previewed(batch: ImportBatch) -> ImportBatch:
    """Compare the batch with the school, save it with that preview, and audit it (a file's or Wonde's)."""
    batch.preview = _preview_of(batch)
    batch.save()
    audit(
        action="roster.preview",
        actor=batch.created_by,
        school=batch.school,
        target=batch,
        details={"kind": batch.kind, "source": batch.source, "counts": batch.preview.get("counts", {})},
    )
    return batch


@transaction.atomic
def import_records(
    *, school: School, by: User | None, kind: str, records: list[dict[str, Any]], name: str, source: str
) -> ImportBatch:
    """Store records read from the MIS (not a file: Wonde) with a preview, as import_upload stores a file's.
    The same comparison and validations follow, and the same commit."""
    batch = ImportBatch(
        school=school,
        kind=kind,
        source=source,
        file_name=name[:200],
        full=True,
        table={"records": records},
        created_by=by,
    )
    return _previewed(batch)


@transaction.atomic
def import_columns_set(*, batch: ImportBatch, by: User, columns: dict[str, str]) -> ImportBatch:
    """Choose which column holds which field, save the choice for the school, and preview again."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise InvalidTransition(batch, ImportBatch.Status.PREVIEWED)
    if batch.source != ImportBatch.Source.CSV:
        raise ServiceError("Only a CSV file has columns to choose.")
    fields = FIELDS_BY_KIND[batch.kind]
    headers = batch.table["headers"]
    chosen = {name: heading for name, heading in columns.items() if name in fields and heading}
    unknown = [heading for heading in chosen.values() if heading not in headers]
    if unknown:
        raise ServiceError(f"The file has no column called {unknown[0]!r}.")
    if len(set(chosen.values())) != len(chosen):
        raise ServiceError("Each column can hold one field only.")
    table = dict(batch.table) | {"columns": chosen}
    batch.table = table
    preview = _preview_of(batch)
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        table=table, preview=preview
    )
    if updated != 1:
        raise InvalidTransition(batch, ImportBatch.Status.PREVIEWED)
    ColumnMapping.objects.update_or_create(
        school=batch.school,
        kind=batch.kind,
        defaults={"columns": chosen, "updated_by": by, "updated_at": clock.now()},
    )
    audit(action="roster.columns", actor=by, school=batch.school, target=batch, details={"columns": chosen})
    return ImportBatch.objects.get(pk=batch.pk)


def import_commit(*, batch: ImportBatch, by: User | None) -> ImportBatch:
    """Apply the batch in one transaction: everything or nothing, once only.

    The comparison is made again inside the transaction, so a roll changed since
    the preview is compared as it is now; any problem stops the whole import.
    """
    family.news_changed(batch.school_id)  # parents' home pages show this (core.family)
    try:
        try:
            _commit(batch=batch, by=by)
        except IntegrityError:
            # Someone changed the same records at the same moment; the transaction rolled back whole.
            raise ServiceError(
                "The roll changed while this file was being imported, so nothing was imported. Upload it again."
            ) from None
    except InvalidTransition:
        raise
    except ServiceError as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
            status=ImportBatch.Status.FAILED, error=str(exc), table={}
        )
        audit(action="roster.commit_failed", actor=by, school=batch.school, target=batch, details={"error": str(exc)})
        raise
    return ImportBatch.objects.get(pk=batch.pk)


@transaction.atomic
def _commit(*, batch: ImportBatch, by: User | None) -> dict[str, int]:
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.COMMITTED, committed_at=clock.now(), committed_by=by
    )
    if updated != 1:
        raise InvalidTransition(batch, ImportBatch.Status.COMMITTED)
    plan = _plan(batch, by=by)
    if plan.problems:
        raise ServiceError(
            f"The file has {len(plan.problems)} problem(s) now; preview it again to see them. Nothing was imported."
        )
    if isinstance(plan, PupilPlan):
        counts = _apply_pupils(school=batch.school, plan=plan, today=clock.today())
    else:
        because = (
            people_services.LeftBecause.MIS_SYNC
            if batch.source == ImportBatch.Source.WONDE
            else people_services.LeftBecause.IMPORT
        )
        counts = _apply_staff(school=batch.school, plan=plan, by=by, batch_code=batch.code, because=because)
    # The rows were the school's data in transit: once applied, keep only the preview and the counts.
    ImportBatch.objects.filter(pk=batch.pk).update(table={}, preview=plan.preview | {"applied": counts})
    audit(
        action="roster.commit",
        actor=by,
        school=batch.school,
        target=batch,
        details={"kind": batch.kind, "source": batch.source, "counts": counts},
    )
    return counts


def _users_for_emails(emails: set[str]) -> dict[str, User]:
    """The login for each carer email, created (no password: they sign in by code) where missing."""
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    # An unusable password, as set_unusable_password() makes, without 40 calls to random.choice a user.
    missing = [
        User(email=email, password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30))
        for email in sorted(emails - users.keys())
    ]
    User.objects.bulk_create(missing, batch_size=BULK_BATCH)
    if any(user.pk is None for user in missing):  # a database that does not return new ids
        missing = list(User.objects.filter(email__in=[user.email for user in missing]))
    users.update({user.email: user for user in missing})
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in missing],
        batch_size=BULK_BATCH,
        ignore_conflicts=True,
    )
    return users


def _users_for_phones(phones: set[str]) -> dict[str, User]:
    """The login for each mobile (E.164) of a carer with no email address, made where missing: they sign in
    by a code sent by text (issue 16)."""
    users = {u.phone: u for u in User.objects.filter(phone__in=phones) if u.phone}
    missing = [
        User(
            email=f"phone-{secrets.token_hex(12)}@{people_services.PHONE_ONLY_DOMAIN}",
            phone=phone,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for phone in sorted(phones - users.keys())
    ]
    User.objects.bulk_create(missing, batch_size=BULK_BATCH)
    if any(user.pk is None for user in missing):
        missing = list(User.objects.filter(phone__in=[user.phone for user in missing]))
    users.update({user.phone: user for user in missing if user.phone})
    return users


def _apply_pupils(*, school: School, plan: PupilPlan, today: datetime.date) -> dict[str, int]:
    classes = {squash(c.name): c for c in SchoolClass.objects.filter(school=school)}
    for name, year_group in plan.classes_to_add.items():
        classes[squash(name)] = people_services.class_create(school=school, year_group=year_group, name=name)

    def class_for(key: str) -> SchoolClass:
        return classes[squash(key)]

    new_pupils = []
    for values in plan.pupils_to_add:
        fields = dict(values)
        class_key = fields.pop("class_key")
        new_pupils.append(Pupil(school=school, school_class=class_for(class_key), **fields))
    Pupil.objects.bulk_create(new_pupils, batch_size=BULK_BATCH)

    changed_fields: set[str] = set()
    changed = []
    for pupil, diff in plan.pupils_to_change:
        for name, value in diff.items():
            if name == "class_key":
                pupil.school_class = class_for(value)
                changed_fields.add("school_class")
            else:
                setattr(pupil, name, value)
                changed_fields.add(name)
        changed.append(pupil)
    if changed:
        Pupil.objects.bulk_update(changed, sorted(changed_fields), batch_size=BULK_BATCH)
    left = Pupil.objects.filter(pk__in=plan.leaver_ids, left_on__isnull=True).update(left_on=today)

    emails = {c["email"] for c in plan.carers_to_add.values() if c["email"]}
    emails |= {diff["email"] for _, diff in plan.carers_to_change if diff.get("email")}
    users = _users_for_emails(emails) if emails else {}
    # The plan keeps a UK mobile as E.164 (roster.pupils); a carer with one and no email signs in by text.
    phone_only = {
        c["phone"] for c in plan.carers_to_add.values() if not c["email"] and mobile_or_none(c["phone"]) is not None
    }
    phone_users = _users_for_phones(phone_only) if phone_only else {}
    new_carers = {
        key: Carer(
            school=school,
            user=users.get(c["email"]) if c["email"] else phone_users.get(c["phone"]),
            title=c["title"],
            first_name=c["first_name"],
            surname=c["surname"],
            email=c["email"],
            phone=c["phone"],
            mis_id=c["mis_id"],
            preferred_language=c.get("language", ""),
        )
        for key, c in plan.carers_to_add.items()
    }
    Carer.objects.bulk_create(list(new_carers.values()), batch_size=BULK_BATCH)
    carer_fields: set[str] = set()
    for carer, diff in plan.carers_to_change:
        for name, value in diff.items():
            setattr(carer, name, value)
            carer_fields.add(name)
        if diff.get("email"):
            carer.user = users[diff["email"]]
            carer_fields.add("user")
    if plan.carers_to_change:
        Carer.objects.bulk_update([c for c, _ in plan.carers_to_change], sorted(carer_fields), batch_size=BULK_BATCH)

    def pupil_id(key: Any) -> int:
        return new_pupils[key[1]].pk if isinstance(key, tuple) else int(key)

    def carer_id(key: Any) -> int:
        return new_carers[key].pk if isinstance(key, tuple) else int(key)

    # One primary carer a pupil: clear the old one first wherever the file names a new one.
    new_primary = {pupil_id(p) for p, _, values in plan.links if values["is_primary"]}
    new_primary |= {link.pupil_id for link, diff in plan.links_to_change if diff.get("is_primary")}
    PupilCarer.objects.filter(pupil_id__in=new_primary, is_primary=True).update(is_primary=False)
    PupilCarer.objects.bulk_create(
        [PupilCarer(pupil_id=pupil_id(p), carer_id=carer_id(c), **values) for p, c, values in plan.links],
        batch_size=BULK_BATCH,
    )
    link_fields: set[str] = set()
    for link, diff in plan.links_to_change:
        for name, value in diff.items():
            setattr(link, name, value)
            link_fields.add(name)
    if plan.links_to_change:
        link_fields.add("is_primary")
        PupilCarer.objects.bulk_update([link for link, _ in plan.links_to_change], sorted(link_fields))
    return {
        "classes_added": len(plan.classes_to_add),
        "pupils_added": len(new_pupils),
        "pupils_changed": len(changed),
        "pupils_left": left,
        "carers_added": len(new_carers),
        "carers_changed": len(plan.carers_to_change),
        "links_added": len(plan.links),
        "links_changed": len(plan.links_to_change),
    }


def _apply_staff(*, school: School, plan: StaffPlan, by: User | None, batch_code: str, because: str) -> dict[str, int]:
    for values in plan.to_add:
        staff = people_services.staff_create(
            school=school,
            email=values["email"],
            first_name=values["first_name"],
            surname=values["surname"],
            title=values["title"],
            roles=values["roles"],
            by=by,
        )
        for class_id, kind in values["classes"].items():
            ClassStaff.objects.create(school_class_id=class_id, staff=staff, kind=kind)
    for staff, diff in plan.to_change:
        names = [n for n in ("title", "first_name", "surname") if n in diff]
        for name in names:
            setattr(staff, name, diff[name])
        if names:
            staff.save(update_fields=names)
        StaffRole.objects.bulk_create(
            [StaffRole(staff=staff, role=role) for role in diff.get("roles", [])], ignore_conflicts=True
        )
        ClassStaff.objects.bulk_create(
            [ClassStaff(school_class_id=pk, staff=staff, kind=kind) for pk, kind in diff.get("classes", {}).items()],
            ignore_conflicts=True,
        )
        if diff.get("roles"):
            audit(action="staff.roles_add", actor=by, school=school, target=staff, details={"roles": diff["roles"]})
    left = sum(
        people_services.staff_access_end(staff=staff, by=by, because=because, details={"batch": batch_code})
        for staff in plan.leavers
    )
    return {"staff_added": len(plan.to_add), "staff_changed": len(plan.to_change), "staff_left": left}


PREVIEW_KEPT = datetime.timedelta(hours=24)


@transaction.atomic
def import_previews_expire(*, now: datetime.datetime | None = None) -> int:
    """Previews left waiting more than a day lose their rows (personal data) and can no longer be committed."""
    cutoff = (now or clock.now()) - PREVIEW_KEPT
    return ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWED, created_at__lt=cutoff).update(
        status=ImportBatch.Status.FAILED, table={}, error="The preview waited more than a day. Upload the file again."
    )
