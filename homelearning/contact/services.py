"""Every write for enquiries: a carer asks, staff reply."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from homelearning.contact.models import Enquiry
from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.languages import language_of
from homelearning.core.mail import email_queue, link_body
from homelearning.people.models import Carer, Pupil, School, Staff, User
from homelearning.translation.services import translation_wanted

MAX_MESSAGE = 2000
MAX_REPLY = 4000


@transaction.atomic
def enquiry_send(
    *, school: School, by: User, by_label: str, about: str, message: str, pupil: Pupil | None = None
) -> Enquiry:
    """A question from a family: about learning (to the class staff, for one child) or general (to the office)."""
    message = message.strip()
    if about not in Enquiry.About.values:
        raise ServiceError(gettext("Choose what the question is about."))
    if not message:
        raise ServiceError(gettext("Write your question."))
    if len(message) > MAX_MESSAGE:
        raise ServiceError(gettext("Please keep the question to %(count)d characters.") % {"count": MAX_MESSAGE})
    if about == Enquiry.About.LEARNING and pupil is None:
        raise ServiceError(gettext("Choose which child the learning question is about."))
    if pupil is not None and pupil.school_id != school.pk:
        raise ServiceError(gettext("Choose which child the question is about."))
    enquiry = Enquiry.objects.create(
        school=school, pupil=pupil, asked_by=by, asked_by_label=by_label[:200], about=about, message=message
    )
    audit(action="contact.enquiry.send", actor=by, school=school, target=enquiry, details={"about": about})
    return enquiry


@transaction.atomic
def enquiry_answer(*, enquiry: Enquiry, by: Staff, reply: str) -> Enquiry:
    reply = reply.strip()
    if not reply:
        raise ServiceError("Write the reply.")
    if len(reply) > MAX_REPLY:
        raise ServiceError(f"A reply must be at most {MAX_REPLY} characters.")
    updated = Enquiry.objects.filter(pk=enquiry.pk, status=Enquiry.Status.OPEN).update(
        status=Enquiry.Status.ANSWERED,
        reply=reply,
        answered_by=by,
        answered_by_label=by.display_name[:200],
        answered_at=clock.now(),
    )
    if updated != 1:
        raise InvalidTransition("Someone has already replied to this question.")
    audit(action="contact.enquiry.answer", actor=by.user, school=enquiry.school, target=enquiry)
    translation_wanted(kind="enquiry", pk=enquiry.pk)
    asker = enquiry.asked_by
    if asker is not None and asker.email:
        # The reply stays in the app: the email only says there is one, in the carer's language (issue 16).
        carer = Carer.objects.filter(user=asker, school=enquiry.school).first()
        with language_of(carer):
            email_queue(
                to=asker.email,
                subject=gettext("The school has answered your question"),
                body_text=link_body(
                    gettext("The school has replied to a question you asked."),
                    settings.SITE_URL + reverse("contact:enquiry", args=[enquiry.code]),
                ),
                kind="contact.enquiry_answered",
                school=enquiry.school,
            )
    return Enquiry.objects.get(pk=enquiry.pk)
