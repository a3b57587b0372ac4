from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.calendar import working_days_around
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.core.languages import language_name
from homelearning.learning.access import can_adapt
from homelearning.learning.offline import offline_cacheable
from homelearning.learning.selectors import neighbour_days, pupil_day
from homelearning.people import phones, selectors, services
from homelearning.people.access import (
    can_see_contact_details,
    classes_visible_to,
    get_carer_link_for_contact,
    get_class_for_staff,
    get_phone_for_user,
    get_pupil_for_parent,
    get_pupil_for_staff,
    get_staff_in_school,
    parent_required,
    staff_required,
    viewer_of,
)
from homelearning.people.forms import POLICY_FIELDS, LanguageForm, PolicyVersionForm, StaffRolesForm, SwitchSchoolForm
from homelearning.people.models import Carer, Role, User
from homelearning.people.services import policy_version_publish
from homelearning.people.viewer import SESSION_SCHOOL_KEY, Viewer


@staff_required()
def class_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    classes = selectors.classes_with_staff(classes_visible_to(viewer))
    return render(request, "people/class_list.html", {"classes": classes})


@staff_required()
def class_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = get_class_for_staff(viewer, code)
    return render(
        request,
        "people/class_detail.html",
        {
            "school_class": school_class,
            "pupils": selectors.pupils_in_class(school_class),
            "staff_links": selectors.staff_of_class(school_class),
        },
    )


@staff_required()
def pupil_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil = get_pupil_for_staff(viewer, code)
    show_contacts = can_see_contact_details(viewer, pupil)
    carer_links = selectors.carer_links_for_pupil(pupil) if show_contacts else []
    # A pupil's record with their family's contact details is personal data: every view is logged.
    audit(
        action="pupil.view",
        actor=request.user,  # type: ignore[arg-type]
        school=pupil.school,
        target=pupil,
        request=request,
        details={"contact_details": show_contacts},
    )
    adapt_day = None
    if can_adapt(viewer, pupil):
        _, later = working_days_around(pupil.school, clock.today(), before=0, after=1)
        adapt_day = later[0] if later else clock.today()
    return render(
        request,
        "people/pupil_detail.html",
        {
            "pupil": pupil,
            "carer_links": carer_links,
            "show_contacts": show_contacts,
            "adapt_day": adapt_day,
            "languages": settings.LANGUAGES,
            "contact_by_choices": Carer.ContactBy.choices,
        },
    )


@parent_required
@offline_cacheable
def child_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil = get_pupil_for_parent(viewer, code)
    today = clock.today()
    previous_day, next_day = neighbour_days(pupil.school, today)
    return render(
        request,
        "people/child_detail.html",
        {
            "pupil": pupil,
            "staff_links": selectors.staff_of_class(pupil.school_class),
            "day": pupil_day(pupil, today),
            "previous_day": previous_day,
            "next_day": next_day,
        },
    )


@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def staff_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    return render(
        request,
        "people/staff_list.html",
        {"staff": selectors.staff_list(viewer.staff.school), "can_change": viewer.is_headteacher},  # type: ignore[union-attr]
    )


@require_http_methods(["GET", "POST"])
@staff_required(Role.HEADTEACHER)
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The headteacher changes a colleague's roles, or records that they have left."""
    viewer = viewer_of(request)
    member = get_staff_in_school(viewer, code)
    current = sorted(r.role for r in member.roles.all())
    form = StaffRolesForm(request.POST if request.method == "POST" else None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.staff_roles_set(staff=member, roles=form.cleaned_data["roles"], by=request.user)  # type: ignore[arg-type]
            messages.success(request, f"{member.full_name}'s roles are saved.")
            return redirect("people:staff_list")
    return render(
        request,
        "people/staff_detail.html",
        {"member": member, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@staff_required(Role.HEADTEACHER)
def staff_leave(request: HttpRequest, code: str) -> HttpResponse:
    member = get_staff_in_school(viewer_of(request), code)
    with refusal_as_message(request):
        services.staff_leave(staff=member, by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            f"{member.full_name} has left the staff. Their sign-in to this school and their API tokens no longer work.",
        )
        return redirect("people:staff_list")
    return redirect("people:staff_detail", code=member.code)


@staff_required()
def policy(request: HttpRequest) -> HttpResponse:
    """The policy figures in force. The headteacher can publish new ones; the old version is kept."""
    viewer = viewer_of(request)
    school = viewer.staff.school  # type: ignore[union-attr]
    current = selectors.policy_in_force(school)
    form = None
    if viewer.is_headteacher:
        if request.method == "POST":
            form = PolicyVersionForm(request.POST, instance=selectors.policy_in_force(school))
            if form.is_valid():
                changes = {f: form.cleaned_data[f] for f in POLICY_FIELDS}
                try:
                    policy_version_publish(school=school, by=request.user, changes=changes)  # type: ignore[arg-type]
                except ServiceError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, "The new policy figures are now in force. The previous version is kept.")
                    return redirect("people:policy")
        else:
            form = PolicyVersionForm(instance=current)
    elif request.method == "POST":
        raise PermissionDenied("Only the headteacher can change the policy figures.")
    history = selectors.policy_history(school)
    return render(
        request,
        "people/policy.html",
        {
            "policy": current,
            "form": form,
            "history": history,
            "review_due": current.review_is_due(clock.today()),
        },
    )


@require_POST
@staff_required()
def switch_school(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = SwitchSchoolForm(request.POST)
    if form.is_valid() and any(m.school.code == form.cleaned_data["school"] for m in viewer.memberships):
        request.session[SESSION_SCHOOL_KEY] = form.cleaned_data["school"]
    else:
        messages.error(request, "You are not on the staff of that school.")
    return redirect("home")


# --- Remember this phone (parents) ----------------------------------------------------------------


def _remember_days(viewer: Viewer) -> int:
    from homelearning.privacy.services import settings_for

    return settings_for(viewer.school).carer_remember_days if viewer.school is not None else 0


@require_POST
@parent_required
def phone_remember(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    assert isinstance(request.user, User)  # noqa: S101 - parent_required has checked
    with refusal_as_message(request):
        days = _remember_days(viewer)
        phones.phone_remember(
            user=request.user,
            school=viewer.school,
            session=request.session,
            user_agent=request.headers.get("User-Agent", ""),
            days=days,
        )
        messages.success(
            request,
            ngettext(
                "This phone stays signed in for %(days)d day. You can forget it at any time under Your phones.",
                "This phone stays signed in for %(days)d days. You can forget it at any time under Your phones.",
                days,
            )
            % {"days": days},
        )
    return redirect("home")


@require_POST
@parent_required
def phone_remember_not_now(request: HttpRequest) -> HttpResponse:
    request.session[phones.SESSION_DECLINED_KEY] = True
    return redirect("home")


@parent_required
def phone_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    assert isinstance(request.user, User)  # noqa: S101 - parent_required has checked
    return render(
        request,
        "people/phone_list.html",
        {
            "phones": phones.phones_of(request.user),
            "this_session": request.session.session_key,
            "days": _remember_days(viewer),
        },
    )


@require_POST
@parent_required
def phone_forget(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    phone = get_phone_for_user(viewer, code)
    assert isinstance(request.user, User)  # noqa: S101 - parent_required has checked
    this_one = phone.session_key == request.session.session_key
    with refusal_as_message(request):
        phones.phone_forget(phone=phone, by=request.user, school=viewer.school)
        if this_one:
            # This browser's own session is gone: it is signed out, like signing out.
            return redirect("account_login")
        messages.success(request, _("%(name)s is forgotten and signed out.") % {"name": phone.name})
    return redirect("people:phone_list")


# --- Language (issue 16) -------------------------------------------------------------------------


def _language_response(request: HttpRequest, target: str, language: str) -> HttpResponse:
    """Redirect, remembering the language on this browser too (the sign-in page and pages before it)."""
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """A family chooses the language of their pages: signed in, it is kept with their record (so emails,
    texts and packs follow); before signing in, on this browser."""
    viewer = viewer_of(request)
    if viewer.is_staff:
        raise PermissionDenied("Staff pages are in English.")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LanguageForm(
        request.POST if request.method == "POST" else None, initial={"language": translation.get_language()}
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        with refusal_on_form(form):
            if viewer.is_parent:
                assert isinstance(request.user, User)  # noqa: S101 - a carer is signed in
                services.carer_language_set(carers=viewer.carer_records, language=chosen, by=request.user, how="carer")
            with translation.override(chosen):
                messages.success(
                    request, _("Your pages are now in %(language)s.") % {"language": language_name(chosen)}
                )
            return _language_response(request, next_url or reverse("home"), chosen)
    return render(
        request,
        "people/language.html",
        {"form": form, "next": next_url, "languages": settings.LANGUAGES},
        status=400 if form.is_bound else 200,
    )


@require_POST
@staff_required()
def carer_contact_by(request: HttpRequest, code: str, carer_code: str) -> HttpResponse:
    """The office records whether a carer is reached by email or by text first."""
    link = get_carer_link_for_contact(viewer_of(request), code, carer_code)
    assert isinstance(request.user, User)  # noqa: S101 - staff_required has checked
    with refusal_as_message(request):
        carer = services.carer_contact_by_set(
            carer=link.carer, contact_by=request.POST.get("contact_by", ""), by=request.user
        )
        messages.success(request, f"{carer.full_name}: {carer.get_contact_by_display().lower()}.")
    return redirect("people:pupil_detail", link.pupil.code)


@require_POST
@staff_required()
def carer_language(request: HttpRequest, code: str, carer_code: str) -> HttpResponse:
    """The office (or anyone who sees the family's contact details) records a carer's language."""
    link = get_carer_link_for_contact(viewer_of(request), code, carer_code)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the languages listed.")
    else:
        assert isinstance(request.user, User)  # noqa: S101 - staff_required has checked
        with refusal_as_message(request):
            services.carer_language_set(
                carers=[link.carer], language=form.cleaned_data["language"], by=request.user, how="office"
            )
            messages.success(
                request, f"{link.carer.full_name}'s language is now {language_name(form.cleaned_data['language'])}."
            )
    return redirect("people:pupil_detail", link.pupil.code)
