"""Every write in the journal: sending work, feedback, comments and moderation."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from homelearning.core import clock, family
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.languages import language_of
from homelearning.core.mail import email_queue, link_body
from homelearning.journal.models import (
    CallRequest,
    Comment,
    DigestEntry,
    Feedback,
    FeedbackEmailChoice,
    WorkFile,
    WorkItem,
    journal_storage,
)
from homelearning.journal.processing import Processed, process_upload
from homelearning.learning.models import Activity
from homelearning.people.models import Carer, Pupil, School, Staff, User
from homelearning.safeguarding.models import Concern, ConcernCategory
from homelearning.translation.services import translation_wanted

MAX_FILES = 10
MAX_NOTE = 1000
MAX_COMMENT = 2000


def _too_big(limit: int) -> str:
    return gettext("Each file must be no bigger than %(size)d MB.") % {"size": max(limit // (1024 * 1024), 1)}


def _read_upload(upload: UploadedFile) -> bytes:
    limit = settings.JOURNAL_UPLOAD_MAX_BYTES
    if not upload.size:
        raise ServiceError(gettext("One of the files is empty. Please choose it again."))
    if upload.size > limit:
        raise ServiceError(_too_big(limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(_too_big(limit))
    return data


def _check_activity(activity: Activity, pupil: Pupil) -> None:
    plan = activity.plan
    ok = (activity.pupil_id is None or activity.pupil_id == pupil.pk) and (
        plan is not None and plan.school_class_id == pupil.school_class_id
    )
    if not ok:
        raise ServiceError(gettext("That activity is not part of this child's learning."))


@transaction.atomic
def work_submit(
    *,
    pupil: Pupil,
    by: User,
    by_label: str,
    uploads: Sequence[UploadedFile] = (),
    note: str = "",
    activity: Activity | None = None,
    day: datetime.date | None = None,
    on_paper: bool = False,
) -> WorkItem:
    """Store a piece of work with all its files, or nothing at all. `on_paper`: staff record paper work returned."""
    note = note.strip()
    if not uploads and not note:
        raise ServiceError(gettext("Add a photo, a PDF or a note."))
    if len(uploads) > MAX_FILES:
        raise ServiceError(gettext("Send at most %(count)d files at a time.") % {"count": MAX_FILES})
    if len(note) > MAX_NOTE:
        raise ServiceError(gettext("The note must be at most %(count)d characters.") % {"count": MAX_NOTE})
    if day is not None and day > clock.today():
        raise ServiceError(gettext("The day the work was done cannot be in the future."))
    if activity is not None:
        _check_activity(activity, pupil)
        if day is None and activity.plan is not None:
            day = activity.plan.date
    # Every file is checked before anything is written.
    processed: list[Processed] = [process_upload(_read_upload(u)) for u in uploads]
    item = WorkItem.objects.create(
        school=pupil.school,
        pupil=pupil,
        activity=activity,
        day=day,
        note=note,
        sent_by=by,
        sent_by_label=by_label[:200],
        on_paper=on_paper,
    )
    storage = journal_storage()
    written: list[str] = []
    try:
        for position, part in enumerate(processed):
            work_file = WorkFile(item=item, kind=part.kind, size=len(part.content), position=position)
            suffix = "pdf" if part.kind == WorkFile.Kind.PDF else "jpg"
            base = f"journal/{pupil.school_id}/{item.code}/{work_file.code}"
            work_file.file.save(f"{base}.{suffix}", ContentFile(part.content), save=False)
            written.append(work_file.file.name or "")
            if part.thumbnail:
                work_file.thumbnail.save(f"{base}-thumb.jpg", ContentFile(part.thumbnail), save=False)
                written.append(work_file.thumbnail.name or "")
            work_file.width, work_file.height = part.width, part.height
            work_file.save()
    except Exception:
        for name in filter(None, written):
            storage.delete(name)
        raise
    audit(
        action="journal.work.paper_returned" if on_paper else "journal.work.submit",
        actor=by,
        school=pupil.school,
        target=item,
        details={"files": len(processed), "pupil": pupil.code},
    )
    return item


def _carers_to_tell(pupil: Pupil) -> list[Carer]:
    """The child's carers who sign in and have an email address."""
    return list(
        Carer.objects.filter(pupil_links__pupil=pupil, user__isnull=False).exclude(email="").distinct().order_by("pk")
    )


def _item_link(item: WorkItem) -> str:
    return f"{settings.SITE_URL}{reverse('journal:item', args=[item.code])}"


@transaction.atomic
def feedback_give(*, item: WorkItem, by: Staff, text: str, by_phone: bool = False) -> Feedback:
    """Reply to a piece of work and mark it reviewed; a second reviewer at the same time gets a conflict."""
    family.news_changed(item.school_id)  # parents' home pages show this (core.family)
    text = text.strip()
    if not text:
        raise ServiceError("Write the feedback (or a note of what was said on the phone).")
    if len(text) > 4000:
        raise ServiceError("Feedback must be at most 4000 characters.")
    now = clock.now()
    updated = WorkItem.objects.filter(pk=item.pk, status=WorkItem.Status.NEW).update(
        status=WorkItem.Status.REVIEWED, reviewed_at=now, reviewed_by=by
    )
    if updated != 1:
        raise InvalidTransition("Someone has already given feedback on this work.")
    feedback = Feedback.objects.create(
        item=item, by=by, by_label=by.display_name, text=text, by_phone=by_phone, read_at=now if by_phone else None
    )
    if by_phone:
        # Feedback by telephone is a call with the family: it goes in the call log too (FBK-02).
        CallRequest.objects.create(
            school=item.school,
            pupil=item.pupil,
            asked_by=by.user,
            asked_by_label=by.display_name,
            by_staff=True,
            reason="Feedback on work sent home-to-school.",
            status=CallRequest.Status.DONE,
            outcome="spoke",
            notes=text,
            called_by=by,
            called_at=now,
        )
    translation_wanted(kind="feedback", pk=feedback.pk)
    audit(
        action="journal.feedback.phone" if by_phone else "journal.feedback.give",
        actor=by.user,
        school=item.school,
        target=item,
    )
    carers = _carers_to_tell(item.pupil)
    digest = set(
        FeedbackEmailChoice.objects.filter(carer__in=carers, how=FeedbackEmailChoice.How.DIGEST).values_list(
            "carer_id", flat=True
        )
    )
    for carer in carers:
        if carer.pk in digest:
            DigestEntry.objects.create(carer=carer, feedback=feedback)
            continue
        # No child's name or feedback text in the email: it only sends the carer to the app. In the carer's
        # own language (issue 16).
        with language_of(carer):
            email_queue(
                to=carer.email,
                subject=gettext("New feedback on your child's work"),
                body_text=link_body(
                    gettext("A member of staff has given feedback on work you sent."), _item_link(item)
                ),
                kind="journal.feedback",
                school=item.school,
            )
    return feedback


@transaction.atomic
def item_mark_reviewed(*, item: WorkItem, by: Staff) -> WorkItem:
    """Mark work seen without written feedback (e.g. it needs none); the family is not emailed."""
    updated = WorkItem.objects.filter(pk=item.pk, status=WorkItem.Status.NEW).update(
        status=WorkItem.Status.REVIEWED, reviewed_at=clock.now(), reviewed_by=by
    )
    if updated != 1:
        raise InvalidTransition("Someone has already given feedback on this work.")
    audit(action="journal.work.reviewed", actor=by.user, school=item.school, target=item)
    return WorkItem.objects.get(pk=item.pk)


@transaction.atomic
def feedback_email_choose(*, carers: Sequence[Carer], by: User, how: str) -> None:
    """A carer chooses an email per piece of feedback or one daily digest (for each of their carer records)."""
    if how not in FeedbackEmailChoice.How.values:
        raise ServiceError(gettext("Choose how you would like to hear about feedback."))
    for carer in carers:
        FeedbackEmailChoice.objects.update_or_create(carer=carer, defaults={"how": how, "updated_at": clock.now()})
        audit(action="journal.email_choice", actor=by, school=carer.school, target=carer, details={"how": how})


def feedback_email_choice(carer: Carer) -> str:
    choice = FeedbackEmailChoice.objects.filter(carer=carer).values_list("how", flat=True).first()
    return choice or FeedbackEmailChoice.How.EACH


def feedback_digests_send() -> int:
    """Queue one email per carer listing the feedback given since their last digest. Returns emails queued."""
    carer_ids = (
        DigestEntry.objects.filter(sent_at__isnull=True).values_list("carer_id", flat=True).distinct().order_by()
    )
    sent = 0
    for carer_id in sorted(set(carer_ids)):
        sent += _digest_for_carer(carer_id=carer_id)
    return sent


@transaction.atomic
def _digest_for_carer(*, carer_id: int) -> int:
    entries = list(
        DigestEntry.objects.filter(carer_id=carer_id, sent_at__isnull=True)
        .select_related("carer__school", "feedback__item")
        .order_by("created_at", "pk")
    )
    if not entries:
        return 0
    # Conditional: a second worker running the same digest finds nothing left to send.
    claimed = DigestEntry.objects.filter(pk__in=[e.pk for e in entries], sent_at__isnull=True).update(
        sent_at=clock.now()
    )
    if claimed != len(entries):
        transaction.set_rollback(True)
        return 0
    carer = entries[0].carer
    items: dict[int, WorkItem] = {}
    for entry in entries:
        item = entry.feedback.item
        if item.hidden_at is None:
            items.setdefault(item.pk, item)
    if not items or not carer.email:
        return 0
    count = len(items)
    links = "\n".join(_item_link(item) for item in items.values())
    with language_of(carer):
        email_queue(
            to=carer.email,
            subject=ngettext(
                "New feedback on %(count)d piece of work", "New feedback on %(count)d pieces of work", count
            )
            % {"count": count},
            body_text=link_body(
                ngettext(
                    "Staff have given feedback on %(count)d piece of work you sent.",
                    "Staff have given feedback on %(count)d pieces of work you sent.",
                    count,
                )
                % {"count": count},
                links,
            )
            + "\n"
            + gettext("You get one email a day because you chose a daily digest. You can change this in Home Learning.")
            + "\n",
            kind="journal.feedback_digest",
            school=carer.school,
        )
    return 1


@transaction.atomic
def comment_add(*, item: WorkItem, by: User, by_label: str, text: str, by_staff: bool) -> Comment:
    text = text.strip()
    if not text:
        raise ServiceError(gettext("Write a comment first."))
    if len(text) > MAX_COMMENT:
        raise ServiceError(gettext("A comment must be at most %(count)d characters.") % {"count": MAX_COMMENT})
    comment = Comment.objects.create(item=item, author=by, author_label=by_label[:200], text=text, by_staff=by_staff)
    audit(action="journal.comment.add", actor=by, school=item.school, target=comment)
    if by_staff:
        translation_wanted(kind="comment", pk=comment.pk)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, by: User, reason: str) -> Comment:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the comment is being hidden.")
    updated = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
        hidden_at=clock.now(), hidden_by=by, hidden_reason=reason[:300]
    )
    if updated != 1:
        raise InvalidTransition("That comment is already hidden.")
    audit(
        action="journal.comment.hide", actor=by, school=comment.item.school, target=comment, details={"reason": reason}
    )
    return Comment.objects.get(pk=comment.pk)


@transaction.atomic
def item_hide(*, item: WorkItem, by: User, reason: str) -> WorkItem:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the work is being hidden.")
    updated = WorkItem.objects.filter(pk=item.pk, hidden_at__isnull=True).update(
        hidden_at=clock.now(), hidden_by=by, hidden_reason=reason[:300]
    )
    if updated != 1:
        raise InvalidTransition("That work is already hidden.")
    audit(action="journal.work.hide", actor=by, school=item.school, target=item, details={"reason": reason})
    return WorkItem.objects.get(pk=item.pk)


@transaction.atomic
def moderation_mark_reviewed(*, by: User, items: Sequence[WorkItem] = (), comments: Sequence[Comment] = ()) -> int:
    """Mark content reviewed in the weekly check; returns how many were newly marked."""
    now = clock.now()
    done = WorkItem.objects.filter(pk__in=[i.pk for i in items], moderated_at__isnull=True).update(
        moderated_at=now, moderated_by=by
    )
    done += Comment.objects.filter(pk__in=[c.pk for c in comments], moderated_at__isnull=True).update(
        moderated_at=now, moderated_by=by
    )
    school = items[0].school if items else (comments[0].item.school if comments else None)
    audit(
        action="journal.moderation.review",
        actor=by,
        school=school,
        details={"items": [i.code for i in items], "comments": [c.code for c in comments], "marked": done},
    )
    return done


@transaction.atomic
def item_escalate(*, item: WorkItem, by: User, by_label: str, category: ConcernCategory, what: str) -> Concern:
    """Send a worry about a piece of work (or its comments) straight to the DSL team."""
    from homelearning.safeguarding.services import raise_concern

    concern = raise_concern(
        school=item.school,
        by=by,
        by_label=by_label,
        pupils=[item.pupil],
        category=category,
        seen_or_heard=what,
        happened_at=item.created_at,
        action_taken="Escalated from the weekly journal moderation.",
        source_type="journal_item",
        source_code=item.code,
    )
    WorkItem.objects.filter(pk=item.pk, moderated_at__isnull=True).update(moderated_at=clock.now(), moderated_by=by)
    audit(action="journal.work.escalate", actor=by, school=item.school, target=item)
    return concern


CALL_OUTCOMES = {"spoke": "Spoke to the family", "no_answer": "No answer", "message": "Left a message"}


@transaction.atomic
def call_request(
    *,
    pupil: Pupil,
    by: User,
    by_label: str,
    reason: str,
    good_times: str = "",
    by_staff: bool = False,
    call_on: datetime.date | None = None,
) -> CallRequest:
    family.news_changed(pupil.school_id)  # parents' home pages show this (core.family)
    reason = reason.strip()
    if not reason:
        raise ServiceError(gettext("Say what the call is about."))
    if call_on is not None and call_on < clock.today():
        raise ServiceError("The call cannot be scheduled in the past.")
    call = CallRequest.objects.create(
        school=pupil.school,
        pupil=pupil,
        asked_by=by,
        asked_by_label=by_label[:200],
        by_staff=by_staff,
        reason=reason[:1000],
        good_times=good_times.strip()[:200],
        call_on=call_on,
    )
    audit(action="journal.call.request", actor=by, school=pupil.school, target=call)
    return call


@transaction.atomic
def call_log(*, call: CallRequest, by: Staff, outcome: str, notes: str = "", follow_up: str = "") -> CallRequest:
    """Record a call's outcome. Only a call that reached the family closes the request."""
    family.news_changed(call.school_id)  # parents' home pages show this (core.family)
    if outcome not in CALL_OUTCOMES:
        raise ServiceError("Choose how the call went.")
    now = clock.now()
    fields: dict[str, object] = {
        "outcome": outcome,
        "notes": notes.strip()[:4000],
        "follow_up": follow_up.strip()[:300],
        "called_by": by,
        "called_at": now,
    }
    if outcome == "spoke":
        fields["status"] = CallRequest.Status.DONE
    updated = CallRequest.objects.filter(pk=call.pk, status=CallRequest.Status.OPEN).update(**fields)
    if updated != 1:
        raise InvalidTransition("This call has already been logged as done.")
    audit(action="journal.call.log", actor=by.user, school=call.school, target=call, details={"outcome": outcome})
    return CallRequest.objects.get(pk=call.pk)


# Files younger than this may belong to a submission whose transaction has not committed yet.
ORPHAN_GRACE = datetime.timedelta(hours=6)


def orphan_files_sweep(*, older_than: datetime.timedelta = ORPHAN_GRACE) -> int:
    """Delete journal files on disk that no row names (an outer transaction rolled back after work_submit
    wrote them, a crash mid-write, or the work was deleted). Returns how many files were removed."""
    storage = journal_storage()
    root = Path(storage.path("journal"))
    if not root.is_dir():
        return 0
    cutoff = (clock.now() - older_than).timestamp()
    removed = 0
    for school_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        school = School.objects.filter(pk=int(school_dir.name)).first() if school_dir.name.isdigit() else None
        known: set[str] = set()
        for name, thumb in WorkFile.objects.filter(item__school=school).values_list("file", "thumbnail"):
            known.update(filter(None, (name, thumb)))
        here = 0
        for path in sorted(school_dir.rglob("*")):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if path.relative_to(storage.location).as_posix() not in known:
                path.unlink(missing_ok=True)
                here += 1
        for folder in sorted((p for p in school_dir.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        if here:
            audit(action="journal.files.sweep", actor=None, school=school, details={"removed": here})
        removed += here
    return removed
