"""`manage.py seed_demo` and `manage.py totp_code`: the demo school, the same every time."""

import datetime
import re
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from homelearning.core.models import AuditEvent, NonSchoolDay, OutboundEmail, Term
from homelearning.people.management.commands.seed_demo import (
    DEMO_PASSWORD,
    academic_year_start,
    plan_school,
    upn_check_letter,
)
from homelearning.people.models import (
    Carer,
    ClassStaff,
    Pupil,
    PupilCarer,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    User,
)

pytestmark = pytest.mark.django_db

UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
EXAMPLE_DOMAIN = re.compile(r"@([a-z0-9-]+\.)*example(\.(com|org|net))?$")
# A moment in term time, so "today" and the academic year are fixed for every test.
IN_TERM = datetime.datetime(2026, 3, 10, 10, 0, 5, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    settings.DEMO_MODE = True


def seed(capsys, *args):
    call_command("seed_demo", *args)
    return capsys.readouterr().out


def login_line(output, role):
    """[role, email, password, secret, who] from the logins table."""
    line = next(line for line in output.splitlines() if line.strip().startswith(role + "  "))
    return re.split(r"\s{2,}", line.strip())


def snapshot():
    """Every invented fact about the seeded people, in a stable order (codes and ids left out)."""
    return {
        "schools": sorted(School.objects.values_list("name", "urn", "staff_email_domains", "address")),
        "classes": sorted(SchoolClass.objects.values_list("school__urn", "year_group__name", "name", "email")),
        "staff": sorted(Staff.objects.values_list("school__urn", "title", "first_name", "surname", "user__email")),
        "roles": sorted(StaffRole.objects.values_list("staff__user__email", "role")),
        "class_staff": sorted(ClassStaff.objects.values_list("school_class__name", "staff__user__email", "kind")),
        "pupils": sorted(
            Pupil.objects.values_list(
                "school__urn",
                "school_class__name",
                "legal_first_name",
                "preferred_first_name",
                "surname",
                "date_of_birth",
                "upn",
                "send_status",
                "has_social_worker",
                "has_device",
                "has_internet",
            )
        ),
        "carers": sorted(Carer.objects.values_list("school__urn", "title", "first_name", "surname", "email", "phone")),
        "links": sorted(
            PupilCarer.objects.values_list(
                "pupil__upn",
                "carer__first_name",
                "carer__email",
                "relationship",
                "priority",
                "is_primary",
                "parental_responsibility",
            )
        ),
        "terms": sorted(Term.objects.values_list("school__urn", "name", "first_day", "last_day")),
        "inset": sorted(NonSchoolDay.objects.values_list("school__urn", "date", "kind")),
    }


def counts():
    models = (School, User, EmailAddress, Staff, StaffRole, ClassStaff, SchoolClass, Pupil, Carer, PupilCarer)
    result = {m.__name__: m.objects.count() for m in models}
    result |= {m.__name__: m.objects.count() for m in (Term, NonSchoolDay, Authenticator, AuditEvent)}
    return result


@time_machine.travel(IN_TERM, tick=False)
def test_the_demo_school_has_nine_classes_of_about_thirty_and_staff_in_every_role(capsys):
    output = seed(capsys)

    school = School.objects.get(urn="100000")
    assert school.name == "Balfour Infant School"
    assert school.staff_email_domains == ["balfour.example"]
    assert list(school.year_groups.values_list("name", flat=True)) == ["Reception", "Year 1", "Year 2"]
    classes = SchoolClass.objects.filter(school=school).annotate(size=Count("pupils"))
    assert classes.count() == 9
    assert all(c.year_group.classes.count() == 3 for c in classes)
    assert {c.size for c in classes} == {30}
    assert Pupil.objects.filter(school=school).count() == 270
    assert "Created Balfour Infant School (URN 100000)" in output

    held = set(StaffRole.objects.filter(staff__school=school).values_list("role", flat=True))
    assert held == set(Role.values)
    # Roles kept apart, so each role's login shows its own home page.
    assert not Staff.objects.filter(school=school).annotate(n=Count("roles")).filter(n__gt=1).exists()
    for c in classes:
        kinds = sorted(c.staff_links.values_list("kind", flat=True))
        assert kinds == sorted([ClassStaff.Kind.TEACHER, ClassStaff.Kind.TEACHING_ASSISTANT])
    staff_users = User.objects.filter(staff_memberships__school=school)
    assert all(u.email.endswith("@balfour.example") for u in staff_users)
    assert all(u.check_password(DEMO_PASSWORD) for u in staff_users)
    for staff in Staff.objects.filter(school=school).prefetch_related("roles"):
        has_totp = Authenticator.objects.filter(user=staff.user, type=Authenticator.Type.TOTP).exists()
        roles = {r.role for r in staff.roles.all()}
        # Leaders, the DSL team and the office (who can export) must use an authenticator; teachers need not.
        assert has_totp == bool(roles & {Role.HEADTEACHER, Role.SENIOR_LEADER, Role.DSL, Role.DEPUTY_DSL, Role.OFFICE})


@time_machine.travel(IN_TERM, tick=False)
def test_every_pupil_has_a_carer_exactly_one_primary_and_realistic_needs(capsys):
    seed(capsys)

    pupils = Pupil.objects.annotate(
        carers=Count("carer_links"), primaries=Count("carer_links", filter=Q(carer_links__is_primary=True))
    )
    assert {p.carers for p in pupils} == {1, 2}
    assert {p.primaries for p in pupils} == {1}
    assert Carer.objects.annotate(n=Count("pupil_links")).filter(n__gte=2).count() >= 20, "siblings share carers"

    total = pupils.count()
    preferred = pupils.exclude(preferred_first_name="").count()
    sen_support = pupils.filter(send_status=Pupil.Send.SEN_SUPPORT).count()
    ehc = pupils.filter(send_status=Pupil.Send.EHC_PLAN).count()
    social_worker = pupils.filter(has_social_worker=True).count()
    paper = pupils.filter(Q(has_device=False) | Q(has_internet=False)).count()
    assert 0.05 * total < preferred < 0.3 * total
    assert 0.08 * total < sen_support < 0.2 * total
    assert 1 <= ehc <= 0.05 * total
    assert 1 <= social_worker <= 0.06 * total
    assert 0.02 * total <= paper <= 0.08 * total

    upns = [p.upn for p in pupils]
    assert all(UPN.match(upn) for upn in upns)
    assert len(set(upns)) == len(upns)
    assert all(upn[0] == upn_check_letter(upn[1:]) for upn in upns)
    for pupil in pupils.select_related("school_class__year_group"):
        pupil.full_clean(validate_unique=False, validate_constraints=False)
        # Reception children were four on 1 September of this academic year.
        position = pupil.school_class.year_group.position
        assert datetime.date(2020 - position, 9, 1) <= pupil.date_of_birth <= datetime.date(2021 - position, 8, 31)

    emails = list(Carer.objects.exclude(email="").values_list("email", flat=True))
    assert all(EXAMPLE_DOMAIN.search(e) for e in emails)
    assert User.objects.filter(email__in=emails).count() == len(emails), "every carer with an address can sign in"


@time_machine.travel(IN_TERM, tick=False)
def test_terms_cover_this_academic_year_and_next_with_inset_days_in_term():
    call_command("seed_demo", "--pupils", "9")
    school = School.objects.get(urn="100000")
    today = timezone.localdate()
    terms = list(Term.objects.filter(school=school))
    assert len(terms) == 12
    assert any(t.first_day <= today <= t.last_day for t in terms)
    assert terms[0].first_day == datetime.date(2025, 9, 1)
    assert terms[-1].last_day.year == 2027
    inset = list(NonSchoolDay.objects.filter(school=school, kind=NonSchoolDay.Kind.INSET))
    assert len(inset) == 10
    for day in inset:
        assert day.date.weekday() < 5
        assert any(t.first_day <= day.date <= t.last_day for t in terms)


# flush truncates tables: on PostgreSQL that cannot happen inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_two_fresh_runs_invent_the_same_people():
    call_command("seed_demo", "--pupils", "60")
    first = snapshot()
    call_command("flush", "--no-input")
    assert not School.objects.exists()

    call_command("seed_demo", "--pupils", "60")
    assert snapshot() == first


def test_the_plan_is_a_pure_function_of_its_arguments():
    today = datetime.date(2026, 3, 10)
    assert plan_school(seed=2026, number=1, pupils=270, today=today) == plan_school(
        seed=2026, number=1, pupils=270, today=today
    )
    assert academic_year_start(today) == 2025
    other = plan_school(seed=7, number=1, pupils=270, today=today)
    assert other.pupils != plan_school(seed=2026, number=1, pupils=270, today=today).pupils


def test_a_second_run_changes_nothing(capsys):
    seed(capsys)
    before = counts()

    output = seed(capsys)

    assert counts() == before
    assert "Balfour Infant School (URN 100000) is already there: nothing changed." in output
    assert "Demo logins for Balfour Infant School" in output


def test_extra_schools_for_benchmarks(capsys):
    seed(capsys, "--pupils", "40", "--schools", "2")

    schools = School.objects.annotate(pupil_count=Count("pupils")).order_by("urn")
    assert [(s.name, s.pupil_count) for s in schools] == [("Balfour Infant School", 40), ("Demo School 2", 40)]
    second = schools[1]
    assert second.staff_email_domains == ["demo-school-2.example"]
    assert SchoolClass.objects.filter(school=second).count() == 9
    assert Staff.objects.filter(school=second).count() == Staff.objects.filter(school=schools[0]).count()
    assert not Carer.objects.filter(school=second, user__carer_records__school=schools[0]).exists()

    # Asking for more schools later adds only the missing ones.
    seed(capsys, "--pupils", "40", "--schools", "3")
    assert School.objects.count() == 3
    assert Pupil.objects.count() == 120


def test_the_logins_table_lists_every_role_and_a_parent_of_two(capsys):
    output = seed(capsys)

    for role in ("Headteacher", "Senior leader", "DSL", "Deputy DSL", "Lead for inclusion", "Office", "Teacher"):
        assert any(line.strip().startswith(role + "  ") for line in output.splitlines()), role
    assert "Teaching assistant" in output
    _, email, password, secret, _ = login_line(output, "Parent")
    assert (password, secret) == ("sign-in code by email", "-")
    parent = User.objects.get(email=email)
    children = Pupil.objects.filter(carer_links__carer__user=parent, carer_links__is_primary=True)
    assert children.count() == 2
    assert "manage.py totp_code <email>" in output

    # --logins prints the same table again and changes nothing.
    before = counts()
    again = seed(capsys, "--logins")
    assert counts() == before
    assert again.split("Demo logins for")[1] == output.split("Demo logins for")[1]


def test_the_printed_teacher_ta_and_parent_share_a_class(capsys):
    """Issue 19: the printed logins must complete the work-and-feedback loop: the parent's child is in the printed
    teacher's class, and the printed teaching assistant works in it too."""
    output = seed(capsys)
    teacher = Staff.objects.get(user__email=login_line(output, "Teacher")[1])
    ta = Staff.objects.get(user__email=login_line(output, "Teaching assistant")[1])
    parent = User.objects.get(email=login_line(output, "Parent")[1])
    (taught,) = ClassStaff.objects.filter(staff=teacher, kind=ClassStaff.Kind.TEACHER).values_list(
        "school_class_id", flat=True
    )
    assert ClassStaff.objects.filter(staff=ta, school_class_id=taught).exists()
    classes = set(Pupil.objects.filter(carer_links__carer__user=parent).values_list("school_class_id", flat=True))
    assert taught in classes
    assert f"{teacher.full_name}, " in login_line(output, "Teacher")[4]


@time_machine.travel(IN_TERM, tick=False)
def test_the_printed_authenticator_secret_works(capsys):
    output = seed(capsys)

    for role in ("Headteacher", "Senior leader", "DSL", "Deputy DSL", "Office"):
        _, email, password, secret, _ = login_line(output, role)
        assert password == DEMO_PASSWORD
        assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        assert TOTP(authenticator).validate_code(code)
    assert login_line(output, "Teacher")[3] == "-"


@time_machine.travel(IN_TERM, tick=False)
def test_totp_code_prints_the_current_code_in_demo_mode(capsys):
    output = seed(capsys)
    email = login_line(output, "Headteacher")[1]

    call_command("totp_code", email.upper())
    code = capsys.readouterr().out.strip()

    assert re.fullmatch(r"\d{6}", code)
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)


def test_totp_code_refuses_outside_demo_mode(capsys, settings):
    seed(capsys, "--pupils", "9")
    email = Authenticator.objects.values_list("user__email", flat=True).first()
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="demo mode"):
        call_command("totp_code", email)
    assert capsys.readouterr().out == ""


def test_totp_code_for_an_account_without_an_authenticator():
    with pytest.raises(CommandError, match="has an authenticator"):
        call_command("totp_code", "nobody@example.com")


def test_seed_demo_refuses_on_a_real_server(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=true or DEMO_MODE=true"):
        call_command("seed_demo")
    assert not School.objects.exists()


@time_machine.travel(IN_TERM, tick=False)
def test_every_printed_login_signs_in(capsys, client):
    output = seed(capsys, "--pupils", "18")
    roles = ("Headteacher", "Senior leader", "DSL", "Deputy DSL", "Lead for inclusion", "Office", "Teacher")
    for role in (*roles, "Teaching assistant"):
        _, email, password, secret, _ = login_line(output, role)
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302, role
        if secret != "-":
            assert response["Location"] == "/accounts/2fa/authenticate/"
            call_command("totp_code", email)
            code = capsys.readouterr().out.strip()
            response = client.post("/accounts/2fa/authenticate/", {"code": code})
            assert response.status_code == 302, role
        home = client.get("/")
        assert home.status_code == 200, role
        assert home.context["viewer"].staff.user.email == email
        client.logout()

    _, email, _, _, _ = login_line(output, "Parent")
    response = client.post("/accounts/login/code/", {"email": email})
    sent = OutboundEmail.objects.filter(to=email).order_by("-id").first()
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", sent.body_text, re.MULTILINE).group(1)
    assert client.post(response["Location"], {"code": code}).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert len(home.context["children"]) == 2


def test_about_a_fifth_of_the_families_read_another_language_and_a_polish_parent_is_printed(capsys):
    """Issue 16: the demo shows the translations: several languages among its carers, the same each run, a
    printed parent whose pages are in Polish, and the main printed parent in English."""
    from collections import Counter

    from homelearning.people.models import Carer

    output = seed(capsys)
    languages = Counter(Carer.objects.exclude(preferred_language="").values_list("preferred_language", flat=True))
    assert len(languages) >= 6, languages
    share = sum(languages.values()) / Carer.objects.count()
    assert 0.1 < share < 0.3, share
    main = Carer.objects.get(user__email=login_line(output, "Parent")[1])
    assert main.preferred_language == ""
    polish = Carer.objects.get(user__email=login_line(output, "Parent (Polski)")[1])
    assert polish.preferred_language == "pl"
    assert Carer.objects.filter(email="").exists()  # a family with no email: the office's call-or-post list
    # A Polish-reading mother with a mobile and no email address signs in by a code sent by text.
    by_text = login_line(output, "Parent (by text)")
    assert by_text[1] == "07700 900100" and by_text[2] == "sign-in code by text"
    texted = Carer.objects.select_related("user").get(phone="+447700900100")
    assert texted.email == "" and texted.preferred_language == "pl" and texted.contact_by == "text"
    assert texted.user is not None and texted.user.phone == "+447700900100"
