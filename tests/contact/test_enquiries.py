"""Questions from families: learning ones reach the class staff, general ones the office (FBK-04)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from homelearning.contact import services
from homelearning.contact.models import Enquiry
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.core.models import AuditEvent, OutboundEmail
from tests.personas import World

NEW = reverse("contact:enquiry_new")
INBOX = reverse("contact:inbox")


def learning_question(world: World, text: str = "How do I help with phonics?") -> Enquiry:
    return services.enquiry_send(
        school=world.school, by=world.parent, by_label="Pat Parker", about="learning", message=text, pupil=world.amy
    )


def office_question(world: World) -> Enquiry:
    return services.enquiry_send(
        school=world.school, by=world.parent, by_label="Pat Parker", about="general", message="Is lunch provided?"
    )


def test_new_question_ladder(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(None).get(NEW).status_code == 302
    assert client_for(world.teacher).get(NEW).status_code == 403
    page = client_for(world.parent).get(NEW + f"?child={world.amy.code}")
    assert page.status_code == 200
    assert b"Amy (Oak)" in page.content and b"Amelia" not in page.content  # first names only


def test_parent_asks_a_learning_question(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    response = client.post(NEW, {"about": "learning", "child": world.amy.code, "message": "Phonics help please"})
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.pupil == world.amy and enquiry.about == "learning" and enquiry.asked_by_label == "Pat Parker"
    assert AuditEvent.objects.filter(action="contact.enquiry.send").count() == 1
    assert b"Phonics help please" in client.get(reverse("contact:my_enquiries")).content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"about": "learning", "child": "", "message": "Help"}, b"Choose which child"),
        ({"about": "learning", "child": "", "message": "   "}, b"This field is required"),
        ({"about": "gossip", "child": "", "message": "Hi"}, b"Select a valid choice"),
        ({"about": "general", "child": "", "message": "x" * 2001}, b"at most 2000"),
    ],
)
def test_bad_questions_change_nothing(world: World, client_for, data, message) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(NEW, data)
    assert response.status_code == 400
    assert message in response.content
    assert not Enquiry.objects.exists()


def test_another_familys_child_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(NEW, {"about": "learning", "child": world.cara.code, "message": "Hi"})
    assert response.status_code == 400  # not one of the offered choices
    assert not Enquiry.objects.exists()
    with pytest.raises(ServiceError):
        services.enquiry_send(
            school=world.other_school, by=world.parent, by_label="P", about="learning", message="x", pupil=world.amy
        )


def test_questions_reach_the_right_people(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    learning = learning_question(world)
    general = office_question(world)

    def waiting(user) -> set[str]:  # type: ignore[no-untyped-def]
        return {e.code for e in client_for(user).get(INBOX).context["waiting"]}

    assert client_for(None).get(INBOX).status_code == 302
    assert client_for(world.parent).get(INBOX).status_code == 403
    assert waiting(world.teacher) == {learning.code}
    assert waiting(world.ta) == {learning.code}
    assert waiting(world.teacher_ash) == set()
    assert waiting(world.office) == {general.code}
    assert waiting(world.head) == {general.code}
    assert waiting(world.outsider_head) == set()
    detail = reverse("contact:enquiry", args=[general.code])
    assert client_for(world.teacher).get(detail).status_code == 404
    assert client_for(world.other_parent).get(detail).status_code == 404
    assert client_for(world.parent).get(detail).status_code == 200
    assert client_for(world.office).get(detail).status_code == 200


def test_teacher_replies_and_the_family_is_told(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    enquiry = learning_question(world, "<script>alert(1)</script>")
    target = reverse("contact:enquiry_reply", args=[enquiry.code])
    assert client_for(world.office).post(target, {"reply": "x"}).status_code == 404  # a learning question
    assert client_for(world.teacher).post(target, {"reply": "  "}).status_code == 400
    assert Enquiry.objects.get().status == Enquiry.Status.OPEN
    response = client_for(world.teacher).post(target, {"reply": "Try the sounds mat in the pack."})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED and enquiry.answered_by == world.staff(world.teacher)
    email = OutboundEmail.objects.get(kind="contact.enquiry_answered")
    assert email.to == "pat.parker@example.com" and "sounds mat" not in email.body_text
    page = client_for(world.parent).get(reverse("contact:enquiry", args=[enquiry.code]))
    assert b"Try the sounds mat in the pack." in page.content
    assert b"<script>alert(1)</script>" not in page.content
    with pytest.raises(InvalidTransition):
        services.enquiry_answer(enquiry=enquiry, by=world.staff(world.ta), reply="Again")
    again = client_for(world.ta).post(target, {"reply": "Again"})
    assert again.status_code == 400 and b"already replied" in again.content


def test_a_teacher_who_is_also_a_parent_reads_their_own_question(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from homelearning.people import services as people_services

    # Tom teaches Oak and is Cara's step-parent too: one account, two hats.
    people_services.carer_link(
        pupil=world.cara, first_name="Tom", surname="Teal", email="teacher@balfour.test", relationship="other"
    )
    client = client_for(world.teacher)
    response = client.post(NEW, {"about": "general", "child": "", "message": "Is there a uniform swap?"})
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    page = client.get(reverse("contact:enquiry", args=[enquiry.code]))
    assert page.status_code == 200
    assert b"Is there a uniform swap?" in page.content
    assert b'name="reply"' not in page.content  # a general question is the office's to answer, not his
    # Nor can he answer it by posting: his own question is not one his role answers.
    reply = client.post(reverse("contact:enquiry_reply", args=[enquiry.code]), {"reply": "Yes"})
    assert reply.status_code == 404
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.OPEN
    # Another teacher still cannot see it.
    assert client_for(world.teacher_ash).get(reverse("contact:enquiry", args=[enquiry.code])).status_code == 404


def test_a_carer_at_two_schools_chooses_the_school_for_a_general_question(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from homelearning.people import services as people_services

    people_services.carer_link(
        pupil=world.outsider_pupil,
        first_name="Pat",
        surname="Parker",
        email="pat.parker@example.com",
        relationship="mother",
    )
    client = client_for(world.parent)
    page = client.get(NEW)
    assert b"Which school is it for?" in page.content and b"Elsewhere Primary" in page.content

    refused = client.post(NEW, {"about": "general", "child": "", "school": "", "message": "Is lunch provided?"})
    assert refused.status_code == 400 and b"Choose which school the question is for." in refused.content
    bogus = client.post(NEW, {"about": "general", "child": "", "school": "nope", "message": "Is lunch provided?"})
    assert bogus.status_code == 400
    assert not Enquiry.objects.exists()

    sent = client.post(
        NEW, {"about": "general", "child": "", "school": world.other_school.code, "message": "Is lunch provided?"}
    )
    assert sent.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.school == world.other_school
    # It reaches the second school's office (its headteacher), not the first's.
    assert enquiry.code.encode() in client_for(world.outsider_head).get(INBOX).content
    assert enquiry.code.encode() not in client_for(world.office).get(INBOX).content


def test_a_carer_at_one_school_is_not_asked_which_school(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    assert b"Which school is it for?" not in client.get(NEW).content
    assert client.post(NEW, {"about": "general", "child": "", "message": "Is lunch provided?"}).status_code == 302
    assert Enquiry.objects.get().school == world.school
