"""One record of every kind about a pupil (and their carer), for the subject access tests.

Each builder returns the model label it made a row of, with a marker text the export must contain.
A record type added to privacy.export.SECTIONS without a builder here fails
test_every_exported_record_type_has_a_builder, so the "one of every kind" test keeps up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from homelearning.learning.models import Activity, ActivityOmission, Plan, Subject
from homelearning.people.models import Carer, Pupil, Staff
from homelearning.provision.models import (
    AbsenceCode,
    AgreementParty,
    Case,
    IllnessAlert,
    MedicalAdvice,
    RegisterMark,
    Review,
    RiskAssessment,
)
from tests.personas import World

PHOTO_BYTES = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes to carry"
PDF_BYTES = b"%PDF-1.4 risk assessment"


@dataclass
class Made:
    label: str
    marker: str  # a text the export must show for this record


def carer_of(pupil: Pupil) -> Carer:
    return Carer.objects.get(pupil_links__pupil=pupil, pupil_links__is_primary=True)


def every_record(world: World) -> dict[str, Made]:
    """Make one row of every exported record type about Amy (and her carer, Pat)."""
    from allauth.account.models import EmailAddress

    from homelearning.contact.models import Enquiry
    from homelearning.journal.models import (
        CallRequest,
        Comment,
        DigestEntry,
        Feedback,
        FeedbackEmailChoice,
        WorkFile,
        WorkItem,
    )
    from homelearning.live.models import Invitation, InvitationRecipient, LiveAgreement, LiveBan, LiveSession
    from homelearning.packs.models import Pack
    from homelearning.safeguarding.models import (
        Concern,
        ConcernCategory,
        ConcernEntry,
        ConcernPupil,
        Contact,
        FilterAlert,
        VulnerabilityReason,
        VulnerablePupil,
    )
    from tests.safeguarding.builders import seed_reference_data

    seed_reference_data()
    amy = world.amy
    pat = carer_of(amy)
    school = world.school
    teacher = Staff.objects.get(user=world.teacher)
    ta = Staff.objects.get(user=world.ta)
    head = Staff.objects.get(user=world.head)
    now = timezone.now()
    today = timezone.localdate()
    made: dict[str, Made] = {}

    def add(label: str, marker: str) -> None:
        made[label] = Made(label=label, marker=marker)

    add("people.pupilcarer", "mother")
    email = EmailAddress.objects.filter(user=world.parent).first()
    if email is None:
        EmailAddress.objects.create(user=world.parent, email=world.parent.email, verified=True, primary=True)
    add("account.emailaddress", world.parent.email)
    from homelearning.people.models import RememberedPhone

    RememberedPhone.objects.create(
        user=world.parent,
        session_key="exported-never-0123456789abcdef",
        name="Samsung Internet on Android",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    add("people.rememberedphone", "Samsung Internet on Android")

    # provision
    code_i = AbsenceCode.objects.get(code="I")
    case = Case.objects.create(
        school=school,
        pupil=amy,
        requested_by="Pat Parker (mother)",
        requested_on=today,
        reason=Case.Reason.MEDICAL,
        notes="Case-marker: leg in plaster",
        status=Case.Status.ACTIVE,
        absence_code=code_i,
        start_date=today,
        end_date=today + datetime.timedelta(days=20),
        recorded_by=head,
    )
    add("provision.case", "Case-marker")
    assessment = RiskAssessment(
        case=case, assessed_on=today, assessed_by="Mrs Hart", findings="RiskAssessment-marker", recorded_by=head
    )
    assessment.document.save("assessment.pdf", ContentFile(PDF_BYTES), save=False)
    assessment.save()
    add("provision.riskassessment", "RiskAssessment-marker")
    MedicalAdvice.objects.create(
        case=case, advised_by="Dr Who", advised_on=today, summary="MedicalAdvice-marker", recorded_by=head
    )
    add("provision.medicaladvice", "MedicalAdvice-marker")
    AgreementParty.objects.create(
        case=case, kind=AgreementParty.Kind.CARER, carer=pat, label="AgreementParty-marker", recorded_by=head
    )
    add("provision.agreementparty", "AgreementParty-marker")
    Review.objects.create(
        case=case,
        held_on=today,
        support="Review-marker",
        reintegration_plan="Back after half term",
        decision=Review.Decision.CONTINUE,
        recorded_by=head,
    )
    add("provision.review", "Review-marker")
    RegisterMark.objects.create(
        school=school, pupil=amy, date=today, session="AM", absence_code=code_i, reason=case.reason, case=case
    )
    add("provision.registermark", today.isoformat())
    IllnessAlert.objects.create(school=school, pupil=amy, school_days=15)
    add("provision.illnessalert", "15")

    # learning: bespoke
    maths = Subject.objects.filter(parent__isnull=True).order_by("position").first() or Subject.objects.create(
        code="maths", name="Maths", position=1
    )
    plan = Plan.objects.create(school=school, school_class=world.oak, date=today, created_by=teacher)
    class_activity = Activity.objects.create(plan=plan, subject=maths, title="Counting in twos", minutes=20)
    Activity.objects.create(plan=plan, pupil=amy, subject=maths, title="Activity-marker", minutes=15)
    add("learning.activity", "Activity-marker")
    ActivityOmission.objects.create(activity=class_activity, pupil=amy, created_by=teacher)
    add("learning.activityomission", "Counting in twos")

    # journal
    item = WorkItem.objects.create(
        school=school, pupil=amy, note="WorkItem-marker", sent_by=world.parent, sent_by_label="Pat Parker"
    )
    add("journal.workitem", "WorkItem-marker")
    work_file = WorkFile(item=item, kind=WorkFile.Kind.IMAGE, size=len(PHOTO_BYTES))
    work_file.file.save(f"journal/test/{item.code}.jpg", ContentFile(PHOTO_BYTES), save=False)
    work_file.save()
    add("journal.workfile", work_file.code)
    feedback = Feedback.objects.create(item=item, by=teacher, by_label="Mr Teal", text="Feedback-marker")
    add("journal.feedback", "Feedback-marker")
    Comment.objects.create(item=item, author=world.parent, author_label="Pat Parker", text="Comment-marker")
    add("journal.comment", "Comment-marker")
    CallRequest.objects.create(
        school=school, pupil=amy, asked_by=world.parent, asked_by_label="Pat Parker", reason="CallRequest-marker"
    )
    add("journal.callrequest", "CallRequest-marker")
    FeedbackEmailChoice.objects.create(carer=pat)
    add("journal.feedbackemailchoice", "each")
    DigestEntry.objects.create(carer=pat, feedback=feedback)
    add("journal.digestentry", "Feedback on")

    # packs
    pack = Pack(
        school=school,
        pupil=amy,
        first_day=today,
        last_day=today,
        absence_began=today,
        requested_via="phone",
        requested_by=teacher,
        due_at=now,
        note="Pack-marker",
    )
    pack.pdf.save(f"packs/test/{amy.code}.pdf", ContentFile(PDF_BYTES), save=False)
    pack.save()
    add("packs.pack", "Pack-marker")

    # contact
    Enquiry.objects.create(
        school=school,
        pupil=amy,
        asked_by=world.parent,
        asked_by_label="Pat Parker",
        about=Enquiry.About.LEARNING,
        message="Enquiry-marker",
    )
    add("contact.enquiry", "Enquiry-marker")

    # live
    agreement = LiveAgreement.objects.order_by("-version").first() or LiveAgreement.objects.create(
        version=1, text="Be kind.", published_at=now
    )
    session = LiveSession.objects.create(
        school=school,
        school_class=world.oak,
        kind=LiveSession.Kind.STORY_TIME,
        title="Story time",
        starts_at=now,
        minutes=30,
        host=teacher,
        monitor=ta,
    )
    Invitation.objects.create(
        session=session,
        pupil=amy,
        carer=pat,
        status=Invitation.Status.ADMITTED,
        agreement=agreement,
        accepted_by=world.parent,
        accepted_carer=pat,
        accepted_at=now,
        admitted_at=now,
    )
    add("live.invitation", "admitted")
    LiveBan.objects.create(
        school=school,
        pupil=amy,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=7),
        reason="LiveBan-marker",
        by=teacher,
    )
    add("live.liveban", "LiveBan-marker")
    InvitationRecipient.objects.create(pupil=amy, carer=pat, by=head, note="InvitationRecipient-marker")
    add("live.invitationrecipient", "InvitationRecipient-marker")

    # safeguarding
    concern = Concern.objects.create(
        school=school,
        category=ConcernCategory.objects.order_by("position").first(),
        seen_or_heard="Concern-marker: Amy said Cara Quinn pushed her",
        happened_at=now,
        raised_by=world.teacher,
        raised_by_label="Tom Teal",
    )
    ConcernPupil.objects.create(concern=concern, pupil=amy)
    add("safeguarding.concern", "Concern-marker")
    add("safeguarding.concernpupil", concern.code)
    ConcernEntry.objects.create(
        concern=concern,
        kind=ConcernEntry.Kind.NOTE,
        text="ConcernEntry-marker",
        author=world.dsl,
        author_label="Ms Dale",
    )
    add("safeguarding.concernentry", "ConcernEntry-marker")
    VulnerablePupil.objects.create(
        school=school,
        pupil=amy,
        reason=VulnerabilityReason.objects.order_by("position").first(),
        started_on=today,
        note="VulnerablePupil-marker",
        added_by=world.dsl,
    )
    add("safeguarding.vulnerablepupil", "VulnerablePupil-marker")
    Contact.objects.create(
        school=school,
        pupil=amy,
        by=Contact.By.DSL,
        made_by=Staff.objects.get(user=world.dsl),
        contacted_at=now,
        method=Contact.Method.PHONE,
        spoke_to_child=True,
        outcome="Contact-marker",
    )
    add("safeguarding.contact", "Contact-marker")
    FilterAlert.objects.create(
        school=school,
        occurred_at=now,
        device_user="amy.p",
        category="FilterAlert-marker",
        pupil=amy,
        logged_by=world.dsl,
    )
    add("safeguarding.filteralert", "FilterAlert-marker")
    from homelearning.texts.models import CallOrPost, OutboundText

    OutboundText.objects.create(
        school=school, carer=pat, kind="test", to="+447700900001", body="Text-marker", segments=1
    )
    add("texts.outboundtext", "Text-marker")
    CallOrPost.objects.create(school=school, carer=pat, kind="test", message="CallOrPost-marker", reason="no_contact")
    add("texts.callorpost", "CallOrPost-marker")
    from homelearning.engagement.models import PlanOpening

    # A plan opening holds no words: a day found nowhere else in the data is its marker.
    PlanOpening.objects.create(school=school, pupil=amy, day=datetime.date(2025, 2, 3))
    add("engagement.planopening", "2025-02-03")
    return made
