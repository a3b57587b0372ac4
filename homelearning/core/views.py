from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homelearning.core.access import get_email_for_staff
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.core.forms import AuditSearchForm, EmailFilterForm
from homelearning.core.mail import email_retry
from homelearning.core.models import OutboundEmail
from homelearning.core.selectors import AuditFilter, audit_actions, audit_events, email_counts, emails_for_school
from homelearning.learning.today import children_today
from homelearning.people import selectors as people_selectors
from homelearning.people.access import classes_visible_to, staff_required, viewer_of
from homelearning.people.models import Role


def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page, with the real data that exists now."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    viewer = viewer_of(request)
    context: dict[str, object] = {"children": people_selectors.children_of(viewer)}
    if viewer.staff is not None:
        school = viewer.staff.school
        today = timezone.localdate()
        context["my_classes"] = people_selectors.classes_with_pupils(
            classes_visible_to(viewer).filter(staff_links__staff=viewer.staff)
        )
        if viewer.is_leader or viewer.is_safeguarding or viewer.has_role(Role.INCLUSION_LEAD):
            context["overview"] = people_selectors.school_overview(school, today=today)
        if viewer.is_leader or viewer.is_office:
            context["email_counts"] = email_counts(school)
        context["policy"] = people_selectors.policy_in_force(school)
        context["policy_review_due"] = context["policy"].review_is_due(today)  # type: ignore[attr-defined]
        return render(request, "core/home_staff.html", context)
    if viewer.is_parent:
        context["children"] = children_today(context["children"], timezone.localdate())  # type: ignore[arg-type]
        return render(request, "core/home_parent.html", context)
    return render(request, "core/home_none.html", context, status=403)


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
    try:
        email_retry(email=email)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        audit(action="email.resend", actor=request.user, school=email.school, target=email, request=request)  # type: ignore[arg-type]
        messages.success(request, f"The email to {email.to} will be sent again.")
    return redirect("core:email_list")


def outbox(request: HttpRequest) -> HttpResponse:
    """The demo's local outbox: every email the demo 'sent', sign-in codes included. Only in DEMO_MODE."""
    if not (settings.DEMO_MODE and settings.DEBUG):
        raise Http404("No such page.")
    emails = OutboundEmail.objects.order_by("-created_at", "-id")[:100]
    return render(request, "core/outbox.html", {"emails": emails})
