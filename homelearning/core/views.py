from __future__ import annotations

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from homelearning.contact.access import enquiries_for_staff
from homelearning.core import clock, family, services
from homelearning.core.access import (
    can_edit_calendar,
    get_email_for_staff,
    get_non_school_day_for_staff,
    get_term_for_staff,
)
from homelearning.core.audit import audit
from homelearning.core.errors import refusal_as_message, refusal_on_form
from homelearning.core.forms import AuditSearchForm, EmailFilterForm, NonSchoolDayForm, TermForm
from homelearning.core.mail import email_retry
from homelearning.core.models import OutboundEmail
from homelearning.core.selectors import (
    AuditFilter,
    audit_actions,
    audit_events,
    calendar_overview,
    email_counts,
    emails_for_school,
)
from homelearning.engagement.models import Trust
from homelearning.engagement.selectors import quiet_children
from homelearning.engagement.services import plan_opened
from homelearning.journal import access as journal_access
from homelearning.journal import selectors as journal_selectors
from homelearning.journal.selectors import family_news
from homelearning.learning.offline import mark_offline
from homelearning.learning.today import children_today
from homelearning.live.selectors import upcoming_invitations_for_children, upcoming_sessions_for_staff
from homelearning.people import selectors as people_selectors
from homelearning.people.access import classes_visible_to, staff_required, viewer_of
from homelearning.people.models import Role, Staff
from homelearning.people.viewer import Viewer
from homelearning.provision.selectors import closures_for_children
from homelearning.safeguarding.access import unacknowledged_count


def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page, with the real data that exists now."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    viewer = viewer_of(request)
    if viewer.staff is None and viewer.is_parent:
        children = family.children(
            user_id=request.user.pk,
            school_ids=[c.school_id for c in viewer.carer_records],
            load=lambda: people_selectors.children_of(viewer),
        )
    else:
        children = people_selectors.children_of(viewer)
    context: dict[str, object] = {"children": children}
    if viewer.staff is not None:
        school = viewer.staff.school
        today = clock.today()
        my_classes = people_selectors.classes_with_pupils(
            classes_visible_to(viewer).filter(staff_links__staff=viewer.staff)
        )
        context["my_classes"] = my_classes
        context["today"] = today
        if my_classes:
            context["day"] = _class_staff_day(viewer, [c.pk for c in my_classes], today=today)
        if viewer.is_leader or viewer.is_safeguarding or viewer.has_role(Role.INCLUSION_LEAD):
            context["overview"] = people_selectors.school_overview(school, today=today)
        if viewer.is_leader or viewer.is_office:
            context["email_counts"] = email_counts(school)
        context["concerns_waiting"] = unacknowledged_count(viewer)
        context["policy"] = people_selectors.policy_in_force(school)
        context["policy_review_due"] = context["policy"].review_is_due(today)  # type: ignore[attr-defined]
        return render(request, "core/home_staff.html", context)
    if viewer.is_parent:
        today = clock.today()
        pupils = [c.pupil for c in context["children"]]  # type: ignore[attr-defined]
        pupil_ids = [p.pk for p in pupils]
        user_id: int = request.user.pk  # signed in (checked above)

        def render_panels() -> str:
            now = clock.now()
            return render_to_string(
                "core/_family_panels.html",
                {
                    "closures": closures_for_children(pupil_ids=pupil_ids, day=today),
                    "news": family_news(pupil_ids=pupil_ids, asked_by_id=user_id, now=now),
                    "live_invitations": upcoming_invitations_for_children(pupil_ids=pupil_ids, now=now),
                },
            )

        context["panels"] = family.panels(
            user_id=user_id,
            school_ids=[p.school_id for p in pupils],
            pupil_ids=pupil_ids,
            day=today,
            render=render_panels,
        )
        context["offer_remember"] = _remember_offer(request, viewer)
        context["children"] = children_today(context["children"], today)  # type: ignore[arg-type]
        context["child_cards"] = family.child_cards(context["children"], viewer)  # type: ignore[arg-type]
        plan_opened(pupils=pupils, day=today)
        return mark_offline(render(request, "core/home_parent.html", context))
    if Trust.objects.filter(leaders=request.user).exists():
        return redirect("engagement:report")  # a trust leader's home is the trust's report
    return render(request, "core/home_none.html", context, status=403)


def _remember_offer(request: HttpRequest, viewer: Viewer) -> int:
    """The days a parent may keep this phone signed in, if they have not yet chosen (0: do not offer)."""
    from homelearning.people.phones import SESSION_DECLINED_KEY, SESSION_PHONE_KEY
    from homelearning.privacy.services import carer_remember_days

    if viewer.school is None or request.session.get(SESSION_PHONE_KEY) or request.session.get(SESSION_DECLINED_KEY):
        return 0
    return carer_remember_days(viewer.school.pk)


def _class_staff_day(viewer: Viewer, class_ids: list[int], *, today: datetime.date) -> dict[str, object]:
    """A class teacher's or TA's day on their home page: work waiting, calls due, questions, live sessions."""
    staff = viewer.staff
    assert staff is not None  # noqa: S101 - only called for staff
    now = clock.now()
    sessions = [
        s
        for s in upcoming_sessions_for_staff(viewer, now=now)
        if timezone.localdate(s.starts_at) == today
        and (staff.pk in (s.host_id, s.monitor_id) or s.school_class_id in class_ids)
    ]
    return {
        "work": list(journal_selectors.inbox_classes(classes_visible_to(viewer).filter(pk__in=class_ids))),
        "calls": list(journal_selectors.calls_for_day(journal_access.calls_for_class_staff(viewer), today)[:10]),
        "questions": enquiries_for_staff(viewer).filter(status="open").count(),
        "sessions": sessions,
        "quiet": quiet_children(staff.school, today=today, class_ids=class_ids),
        "class_ids": class_ids,
    }


@staff_required(Role.HEADTEACHER)
def audit_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = viewer.staff.school  # type: ignore[union-attr]
    form = AuditSearchForm(request.GET or None)
    criteria = AuditFilter()
    if form.is_bound and form.is_valid():
        criteria = AuditFilter(**form.cleaned_data)
    paginator = Paginator(audit_events(school, criteria).select_related("actor"), 50)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "actions": audit_actions(school), "query": query.urlencode()},
    )


@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def email_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    school = viewer.staff.school  # type: ignore[union-attr]
    form = EmailFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = Paginator(emails_for_school(school, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request, "core/email_list.html", {"form": form, "page": page, "counts": email_counts(school), "status": status}
    )


@require_POST
@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def email_resend(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    email = get_email_for_staff(viewer, code)
    with refusal_as_message(request):
        email_retry(email=email)
        audit(action="email.resend", actor=request.user, school=email.school, target=email, request=request)  # type: ignore[arg-type]
        messages.success(request, f"The email to {email.to} will be sent again.")
    return redirect("core:email_list")


OUTBOX_PAGE = 50


def outbox(request: HttpRequest) -> HttpResponse:
    """The demo's local outbox: every email the demo 'sent', sign-in codes included. Only in DEMO_MODE."""
    if not (settings.DEMO_MODE and settings.DEBUG):
        raise Http404("No such page.")
    to = request.GET.get("to", "").strip()[:254]
    emails = OutboundEmail.objects.order_by("-created_at", "-id")
    if to:
        emails = emails.filter(to__icontains=to)
    page = Paginator(emails, OUTBOX_PAGE).get_page(request.GET.get("page"))
    query = f"to={quote(to)}" if to else ""
    from homelearning.texts.models import OutboundText

    texts = OutboundText.objects.select_related("carer").order_by("-created_at", "-id")[:OUTBOX_PAGE]
    return render(
        request,
        "core/outbox.html",
        {"page": page, "emails": page.object_list, "to": to, "query": query, "texts": texts},
    )


# --- The school calendar ------------------------------------------------------------------


def _staff(viewer: Viewer) -> Staff:
    if viewer.staff is None:  # staff_required has checked; this narrows the type
        raise PermissionDenied("This page is for school staff.")
    return viewer.staff


def _calendar_context(viewer: Viewer, **forms: object) -> dict[str, object]:
    school = _staff(viewer).school
    since = clock.today() - datetime.timedelta(days=200)
    return {
        "rows": calendar_overview(school, since=since),
        "can_edit": can_edit_calendar(viewer),
        "term_form": forms.get("term_form") or TermForm(),
        "day_form": forms.get("day_form") or NonSchoolDayForm(),
    }


@staff_required()
def calendar_page(request: HttpRequest) -> HttpResponse:
    """Terms, INSET days and planned closures: what every deadline and entitlement counts in school days."""
    return render(request, "core/calendar.html", _calendar_context(viewer_of(request)))


@require_POST
@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def term_add(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = TermForm(request.POST)
    if form.is_valid():
        with refusal_on_form(form):
            term = services.term_create(school=_staff(viewer).school, by=_staff(viewer), **form.cleaned_data)
            messages.success(request, f"Added {term}.")
            return redirect("core:calendar")
    return render(request, "core/calendar.html", _calendar_context(viewer, term_form=form), status=400)


@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    term = get_term_for_staff(viewer, pk)
    initial = {"name": term.name, "first_day": term.first_day, "last_day": term.last_day}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            term = services.term_update(term=term, by=_staff(viewer), **form.cleaned_data)
            messages.success(request, f"Saved {term}.")
            return redirect("core:calendar")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/term_edit.html", {"term": term, "form": form}, status=status)


@require_POST
@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def term_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    term = get_term_for_staff(viewer, pk)
    with refusal_as_message(request):
        services.term_delete(term=term, by=_staff(viewer))
        messages.success(request, f"Removed {term}.")
    return redirect("core:calendar")


@require_POST
@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def day_add(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = NonSchoolDayForm(request.POST)
    if form.is_valid():
        with refusal_on_form(form):
            day = services.non_school_day_add(school=_staff(viewer).school, by=_staff(viewer), **form.cleaned_data)
            messages.success(request, f"Marked {day}.")
            return redirect("core:calendar")
    return render(request, "core/calendar.html", _calendar_context(viewer, day_form=form), status=400)


@require_POST
@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.OFFICE)
def day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    day = get_non_school_day_for_staff(viewer, pk)
    with refusal_as_message(request):
        services.non_school_day_remove(day=day, by=_staff(viewer))
        messages.success(request, f"{day.date:%-d %B %Y} is a school day again.")
    return redirect("core:calendar")
