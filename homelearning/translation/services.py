"""Translating the school's own words for the families who read another language (issue 16, step 2).

When a teacher writes (a day's activities, feedback on work, a comment, the answer to a question), a job is
queued with the writing, for the languages of the carers who will read it. The job masks every name and
contact detail (translation.masking), sends the rest to the provider, and keeps each translation under
the hash of the text it translates. Pages show the translation when there is one, with a note saying it was
made by a machine and the original beside it; until then, or with no provider, they show the original.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q

from homelearning.core import clock
from homelearning.core.languages import ENGLISH, supported
from homelearning.people.models import Carer, Pupil, School, Staff
from homelearning.translation import providers
from homelearning.translation.masking import Mask
from homelearning.translation.models import MachineTranslation

logger = logging.getLogger(__name__)

# What is translated, by kind: see `_work`.
KINDS = ("plan", "feedback", "comment", "enquiry")


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def translation_wanted(*, kind: str, pk: int) -> None:
    """Queue the translation of one piece of the school's writing, in the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of text to translate: {kind!r}")
    if not providers.is_configured():
        return
    from homelearning.translation.tasks import translate_work

    translate_work.enqueue(kind=kind, pk=pk)


def school_mask(school: School) -> Mask:
    """Every name the school holds: its pupils', carers' and staff's."""
    names: list[str] = []
    for first, preferred, surname in Pupil.objects.filter(school=school).values_list(
        "legal_first_name", "preferred_first_name", "surname"
    ):
        names += [first, preferred, surname]
    for first, surname in Carer.objects.filter(school=school).values_list("first_name", "surname"):
        names += [first, surname]
    for first, surname in Staff.objects.filter(school=school).values_list("first_name", "surname"):
        names += [first, surname]
    return Mask(names)


def translate_texts(*, school: School, texts: Iterable[str], languages: Iterable[str]) -> int:
    """Translate each text not yet translated into each language; how many translations were stored.

    Raises providers.TranslationError when the provider fails (the job retries)."""
    translator = providers.configured()
    if translator is None:
        return 0
    wanted_texts = sorted({t for t in texts if t.strip()})
    targets = sorted({supported(code) for code in languages} & translator.languages() - {ENGLISH})
    if not wanted_texts or not targets:
        return 0
    by_hash = {source_hash(t): t for t in wanted_texts}
    already = MachineTranslation.objects.filter(school=school, source_hash__in=list(by_hash), language__in=targets)
    have = set(already.values_list("source_hash", "language"))
    mask: Mask | None = None
    stored = 0
    for language in targets:
        missing = [(h, t) for h, t in by_hash.items() if (h, language) not in have]
        if not missing:
            continue
        mask = mask or school_mask(school)
        masked = [mask.mask(t) for _, t in missing]
        answers = translator.translate([m.html for m in masked], target=language)
        rows = []
        for (digest, _), sent, answer in zip(missing, masked, answers, strict=True):
            text = sent.unmask(answer)
            if text is None:
                logger.warning("Translation into %s dropped or added a placeholder; the original will show", language)
                continue
            rows.append(
                MachineTranslation(
                    school=school, source_hash=digest, language=language, text=text, provider=translator.name
                )
            )
        stored += len(MachineTranslation.objects.bulk_create(rows, ignore_conflicts=True))
    return stored


@dataclass(frozen=True)
class Work:
    school: School
    texts: list[str]
    languages: list[str]
    plan_id: int | None = None


def _languages(pupils: Q) -> list[str]:
    return list(
        Carer.objects.filter(pupils)
        .exclude(preferred_language__in=["", ENGLISH])
        .values_list("preferred_language", flat=True)
        .distinct()
    )


def _work(kind: str, pk: int) -> Work | None:
    """The texts of one piece of writing and the languages its readers want; None if it has gone."""
    from homelearning.contact.models import Enquiry
    from homelearning.journal.models import Comment, Feedback
    from homelearning.learning.models import Activity, Plan

    if kind == "plan":
        plan = Plan.objects.select_related("school").filter(pk=pk).first()
        if plan is None:
            return None
        texts: list[str] = []
        for title, instructions in Activity.objects.filter(plan=plan).values_list("title", "instructions"):
            texts += [title, instructions]
        languages = _languages(Q(pupil_links__pupil__school_class=plan.school_class_id))
        return Work(school=plan.school, texts=texts, languages=languages, plan_id=plan.pk)
    if kind == "feedback":
        feedback = Feedback.objects.select_related("item__school").filter(pk=pk).first()
        if feedback is None:
            return None
        return Work(
            school=feedback.item.school,
            texts=[feedback.text],
            languages=_languages(Q(pupil_links__pupil=feedback.item.pupil_id)),
        )
    if kind == "comment":
        comment = Comment.objects.select_related("item__school").filter(pk=pk, by_staff=True).first()
        if comment is None:
            return None
        return Work(
            school=comment.item.school,
            texts=[comment.text],
            languages=_languages(Q(pupil_links__pupil=comment.item.pupil_id)),
        )
    enquiry = Enquiry.objects.select_related("school").filter(pk=pk).exclude(reply="").first()
    if enquiry is None:
        return None
    readers = Q(user=enquiry.asked_by_id, school=enquiry.school_id)
    if enquiry.pupil_id is not None:
        readers |= Q(pupil_links__pupil=enquiry.pupil_id)
    return Work(school=enquiry.school, texts=[enquiry.reply], languages=_languages(readers))


def translate_work(*, kind: str, pk: int) -> int:
    """Translate one piece of writing for its readers; how many translations were stored."""
    work = _work(kind, pk)
    if work is None or not work.languages:
        return 0
    stored = translate_texts(school=work.school, texts=work.texts, languages=work.languages)
    if stored and work.plan_id is not None:
        # Parents' cached class days key on the plan's version (learning.today): a new one shows the translation.
        # (Not learning.services._touch, which would queue this job again.)
        from homelearning.learning.models import Plan

        with transaction.atomic():
            Plan.objects.filter(pk=work.plan_id).update(version=F("version") + 1, updated_at=clock.now())
    return stored


def carer_language_changed(*, carer: Carer) -> None:
    """A carer now reads another language: translate their children's plans from today on."""
    from homelearning.learning.models import Plan

    if not providers.is_configured() or carer.preferred_language in {"", ENGLISH}:
        return
    for plan_id in (
        Plan.objects.filter(school_class__pupils__carer_links__carer=carer, date__gte=clock.today())
        .values_list("pk", flat=True)
        .distinct()[:20]
    ):
        translation_wanted(kind="plan", pk=plan_id)


def shown(objects: Sequence[object], fields: Sequence[str], language: str) -> None:
    """Attach each object's translated `fields` in `language` (one query), for the `machine` template filter."""
    if not objects or not providers.is_configured() or supported(language) == ENGLISH:
        return
    hashes: dict[str, list[tuple[object, str]]] = {}
    for obj in objects:
        for name in fields:
            text = getattr(obj, name, "") or ""
            if text.strip():
                hashes.setdefault(source_hash(text), []).append((obj, name))
    if not hashes:
        return
    for digest, text in MachineTranslation.objects.filter(
        source_hash__in=list(hashes), language=supported(language)
    ).values_list("source_hash", "text"):
        for obj, name in hashes.get(digest, []):
            found = getattr(obj, "_machine_translations", None)
            if found is None:
                found = {}
                obj._machine_translations = found  # type: ignore[attr-defined]
            found[name] = text
