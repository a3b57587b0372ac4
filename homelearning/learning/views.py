"""Thin views for daily learning: the library, the plan editor, bespoke learning and the parent's day."""

from __future__ import annotations

import datetime
import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.calendar import SchoolCalendar, school_days_between, working_days_around
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.core.files import file_response
from homelearning.engagement.services import plan_opened
from homelearning.learning import selectors, services
from homelearning.learning.access import (
    ADAPTER_ROLES,
    PLANNER_ROLES,
    classes_planned_by,
    get_activity_for_planner,
    get_bespoke_activity,
    get_class_activity_of_pupil,
    get_class_for_planner,
    get_pupil_for_adapter,
    get_resource_file_for,
    get_resource_in_library,
    get_template_for_planner,
    parse_day,
    pupils_adapted_by,
)
from homelearning.learning.audio import AUDIO_TYPES
from homelearning.learning.entitlement import entitlement_report
from homelearning.learning.forms import (
    ActivityForm,
    CopyDayForm,
    EntitlementRangeForm,
    LinkForm,
    TemplateSaveForm,
    UploadForm,
)
from homelearning.learning.models import Activity, Plan, Resource
from homelearning.learning.offline import offline_cacheable
from homelearning.learning.services import OverEntitlement
from homelearning.people.access import get_pupil_for_parent, parent_required, staff_required, viewer_of
from homelearning.people.models import Role, SchoolClass, Staff
from homelearning.people.selectors import policy_in_force
from homelearning.people.viewer import Viewer


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required ran first
    return staff


# --- Resource library ------------------------------------------------------------------


@staff_required(*PLANNER_ROLES)
def resource_list(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    link_form = LinkForm(request.POST or None, school=staff.school, prefix="link")
    if request.method == "POST" and link_form.is_valid():
        data = link_form.cleaned_data
        with refusal_on_form(link_form):
            services.resource_link_create(
                by=staff,
                title=data["title"],
                url=data["url"],
                subject=data["subject"],
                year_group=data["year_group"],
                provider=data["provider"],
                note=data["note"],
            )
            messages.success(request, f"Added “{data['title']}” to the library.")
            return redirect("learning:resource_list")
    return _library(request, staff, link_form=link_form, upload_form=UploadForm(school=staff.school, prefix="up"))


def _library(request: HttpRequest, staff: Staff, *, link_form: LinkForm, upload_form: UploadForm) -> HttpResponse:
    status = 400 if link_form.errors or upload_form.errors else 200
    return render(
        request,
        "learning/resource_list.html",
        {"resources": selectors.library(staff.school), "link_form": link_form, "upload_form": upload_form},
        status=status,
    )


@staff_required(*PLANNER_ROLES)
@require_POST
def resource_upload(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    form = UploadForm(request.POST, request.FILES, school=staff.school, prefix="up")
    if form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form, "file"):
            services.resource_upload(
                by=staff,
                title=data["title"],
                upload=data["file"],
                subject=data["subject"],
                year_group=data["year_group"],
                note=data["note"],
            )
            messages.success(request, f"Uploaded “{data['title']}”.")
            return redirect("learning:resource_list")
    return _library(request, staff, link_form=LinkForm(school=staff.school, prefix="link"), upload_form=form)


@staff_required(*PLANNER_ROLES)
@require_POST
def resource_remove(request: HttpRequest, code: str) -> HttpResponse:
    staff = _staff(request)
    resource = get_resource_in_library(viewer_of(request), code)
    with refusal_as_message(request):
        services.resource_delete(resource=resource, by=staff)
        messages.success(request, f"Removed “{resource.title}” from the library and from any plans.")
    return redirect("learning:resource_list")


def resource_file(request: HttpRequest, code: str) -> HttpResponseBase:
    """A clip or worksheet, checked for this person on every request (never a public media URL)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    resource = get_resource_file_for(viewer_of(request), code)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    if resource.kind == Resource.Kind.AUDIO:
        suffix = ".mp3" if (resource.file.name or "").endswith(".mp3") else ".m4a"
        content_type = AUDIO_TYPES[suffix[1:]]
    else:
        content_type = "application/pdf" if resource.kind == Resource.Kind.WORKSHEET else "video/mp4"
        suffix = mimetypes.guess_extension(content_type) or ""
    return file_response(handle, content_type=content_type, filename=f"{resource.code}{suffix}")


# --- Plans -------------------------------------------------------------------------------


def _week_days(school_class: SchoolClass, day: datetime.date) -> list[datetime.date]:
    monday, friday = services.week_of(day)
    return school_days_between(school_class.school, monday, friday)


@staff_required(*PLANNER_ROLES)
def class_week(request: HttpRequest, code: str) -> HttpResponse:
    school_class = get_class_for_planner(viewer_of(request), code)
    day = clock.today()
    if request.GET.get("week"):
        day = parse_day(request.GET["week"])
    monday, friday = services.week_of(day)
    days = school_days_between(school_class.school, monday, friday)
    plans = selectors.plan_totals(school_class, days)
    policy = policy_in_force(school_class.school)
    rows = []
    for d in days:
        plan = plans.get(d)
        total = (plan.total_minutes or 0) if plan is not None else 0  # type: ignore[attr-defined]
        rows.append((d, total, total - policy.daily_learning_minutes))
    return render(
        request,
        "learning/class_week.html",
        {
            "school_class": school_class,
            "rows": rows,
            "monday": monday,
            "friday": friday,
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "limit": policy.daily_learning_minutes,
        },
    )


@staff_required(*PLANNER_ROLES)
@require_POST
def week_copy(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    school_class = get_class_for_planner(viewer_of(request), code)
    date = parse_day(day)
    with refusal_as_message(request):
        created, skipped = services.week_copy_forward(school_class=school_class, day=date, by=_staff(request))
        _report_copy(request, created, skipped)
    return redirect(reverse("learning:class_week", args=[code]) + f"?week={date + datetime.timedelta(days=7)}")


def _report_copy(request: HttpRequest, created: list[Plan], skipped: list[datetime.date]) -> None:
    if created:
        messages.success(request, "Copied to " + ", ".join(f"{p.date:%A %-d %B}" for p in created) + ".")
    if skipped:
        messages.warning(
            request,
            "Not copied (already planned, or not a school day): " + ", ".join(f"{d:%A %-d %B}" for d in skipped) + ".",
        )


def _editor_context(school_class: SchoolClass, date: datetime.date, **extra: object) -> dict[str, object]:
    plan = selectors.plan_for_day(school_class, date)
    activities: list[Activity] = plan.class_activities if plan is not None else []  # type: ignore[attr-defined]
    total = sum(a.minutes for a in activities)
    limit = policy_in_force(school_class.school).daily_learning_minutes
    calendar = SchoolCalendar.load(
        school_class.school, date - datetime.timedelta(days=14), date + datetime.timedelta(days=14)
    )
    later = [date + datetime.timedelta(days=n) for n in range(1, 15)]
    earlier = [date - datetime.timedelta(days=n) for n in range(1, 15)]
    context: dict[str, object] = {
        "school_class": school_class,
        "date": date,
        "plan": plan,
        "activities": activities,
        "total": total,
        "limit": limit,
        "is_school_day": calendar.is_school_day(date),
        "next_day": next((d for d in later if calendar.is_school_day(d)), None),
        "previous_day": next((d for d in earlier if calendar.is_school_day(d)), None),
        "templates": selectors.templates_for(school_class),
        "copy_form": CopyDayForm(),
        "template_form": TemplateSaveForm(),
    }
    context.update(extra)
    return context


@staff_required(*PLANNER_ROLES)
def plan_day(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """The day's editor. POST adds an activity; over the entitlement it asks for confirmation first."""
    school_class = get_class_for_planner(viewer_of(request), code)
    date = parse_day(day)
    staff = _staff(request)
    form = ActivityForm(request.POST or None, school=school_class.school)
    confirm = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_add_to_day(school_class=school_class, day=date, by=staff, **form.activity_fields())
        except OverEntitlement as exc:
            confirm = exc
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Added “{data['title']}”.")
            return redirect("learning:plan_day", code=code, day=day)
    # htmx swaps only 2xx answers; without it, a refused form is a 400.
    status = 400 if (form.errors or confirm) and not request.htmx else 200  # type: ignore[attr-defined]
    return render(
        request,
        "learning/plan_day.html",
        _editor_context(school_class, date, form=form, confirm=confirm),
        status=status,
    )


@staff_required(*PLANNER_ROLES)
def activity_edit(request: HttpRequest, code: str) -> HttpResponse:
    activity = get_activity_for_planner(viewer_of(request), code)
    school = activity.plan.school if activity.plan is not None else activity.template.school  # type: ignore[union-attr]
    initial = {
        "subject": activity.subject,
        "title": activity.title,
        "minutes": activity.minutes,
        "instructions": activity.instructions,
        "resources": list(activity.resources.all()),
    }
    form = ActivityForm(request.POST or None, school=school, initial=initial)
    confirm = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_update(activity=activity, by=_staff(request), **form.activity_fields())
        except OverEntitlement as exc:
            confirm = exc
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved “{data['title']}”.")
            return _back_to(activity)
    return render(
        request,
        "learning/activity_edit.html",
        {"activity": activity, "form": form, "confirm": confirm},
        status=400 if form.errors or confirm else 200,
    )


def _back_to(activity: Activity) -> HttpResponse:
    if activity.plan is not None:
        return redirect("learning:plan_day", code=activity.plan.school_class.code, day=activity.plan.date.isoformat())
    return redirect("learning:resource_list")


@staff_required(*PLANNER_ROLES)
@require_POST
def activity_move(request: HttpRequest, code: str) -> HttpResponse:
    activity = get_activity_for_planner(viewer_of(request), code)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.activity_move(activity=activity, by=_staff(request), step=step)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return _back_to(activity)


@staff_required(*PLANNER_ROLES)
@require_POST
def activity_delete(request: HttpRequest, code: str) -> HttpResponse:
    activity = get_activity_for_planner(viewer_of(request), code)
    with refusal_as_message(request):
        services.activity_delete(activity=activity, by=_staff(request))
        messages.success(request, f"Removed “{activity.title}”.")
    return _back_to(activity)


def _plan_or_404(school_class: SchoolClass, date: datetime.date) -> Plan:
    plan = Plan.objects.filter(school_class=school_class, date=date).select_related("school_class__year_group").first()
    if plan is None:
        raise Http404("Nothing is planned on this day.")
    return plan


@staff_required(*PLANNER_ROLES)
@require_POST
def plan_copy(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    school_class = get_class_for_planner(viewer_of(request), code)
    plan = _plan_or_404(school_class, parse_day(day))
    form = CopyDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the day to copy to.")
    else:
        with refusal_as_message(request):
            created, skipped = services.plan_copy(plan=plan, to_days=[form.cleaned_data["to_date"]], by=_staff(request))
            _report_copy(request, created, skipped)
    return redirect("learning:plan_day", code=code, day=day)


@staff_required(*PLANNER_ROLES)
@require_POST
def template_save(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    school_class = get_class_for_planner(viewer_of(request), code)
    plan = _plan_or_404(school_class, parse_day(day))
    form = TemplateSaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the template a name.")
    else:
        with refusal_as_message(request):
            template = services.template_save(plan=plan, name=form.cleaned_data["name"], by=_staff(request))
            messages.success(request, f"Kept this day as the {template.year_group} template “{template.name}”.")
    return redirect("learning:plan_day", code=code, day=day)


@staff_required(*PLANNER_ROLES)
@require_POST
def template_apply(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = get_class_for_planner(viewer, code)
    date = parse_day(day)
    template = get_template_for_planner(viewer, request.POST.get("template", ""))
    with refusal_as_message(request):
        plan = services.plan_get_or_create(school_class=school_class, day=date, by=_staff(request))
        services.template_apply(
            template=template, plan=plan, by=_staff(request), confirm_over=request.POST.get("confirm_over") == "on"
        )
        messages.success(request, f"Added the activities of “{template.name}”.")
    return redirect("learning:plan_day", code=code, day=day)


@staff_required(*PLANNER_ROLES)
def plan_preview(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """The class's day exactly as a parent sees it (bespoke changes aside)."""
    school_class = get_class_for_planner(viewer_of(request), code)
    date = parse_day(day)
    plan = selectors.plan_for_day(school_class, date)
    activities = plan.class_activities if plan is not None else []  # type: ignore[attr-defined]
    return render(
        request,
        "learning/preview.html",
        {"school_class": school_class, "date": date, "plan": plan, "activities": activities},
    )


# --- Bespoke learning ----------------------------------------------------------------------


@staff_required(*ADAPTER_ROLES)
def pupil_day(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """One pupil's day: drop, replace or add activities. POST adds (or replaces, with `replaces`)."""
    pupil = get_pupil_for_adapter(viewer_of(request), code)
    date = parse_day(day)
    plan = selectors.plan_for_day(pupil.school_class, date)
    form = ActivityForm(request.POST or None, school=pupil.school)
    confirm = None
    replaces: Activity | None = None
    replace_code = request.POST.get("replaces") or request.GET.get("replace")
    if replace_code and plan is not None:
        replaces = get_class_activity_of_pupil(pupil, replace_code)
    if request.method == "POST":
        if plan is None:
            raise Http404("Nothing is planned for the class on this day.")
        if form.is_valid():
            try:
                services.activity_add(
                    plan=plan, pupil=pupil, replaces=replaces, by=_staff(request), **form.activity_fields()
                )
            except OverEntitlement as exc:
                confirm = exc
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Changed {pupil.first_name}'s learning for the day.")
                return redirect("learning:pupil_day", code=code, day=day)
    day_view = selectors.pupil_day(pupil, date)
    dropped = selectors.dropped_for(pupil, plan) if plan is not None else set()
    bespoke = selectors.bespoke_for(pupil, plan) if plan is not None else []
    replaced = {a.replaces_id: a for a in bespoke if a.replaces_id}
    limit = policy_in_force(pupil.school).daily_learning_minutes
    earlier, later = working_days_around(pupil.school, date, before=2, after=6)
    planned = selectors.plan_totals(pupil.school_class, [*earlier, *later])
    return render(
        request,
        "learning/pupil_day.html",
        {
            "pupil": pupil,
            "date": date,
            "plan": plan,
            "day_links": [(d, d in planned) for d in [*earlier, *later]],
            "next_planned": next((d for d in later if d != date and d in planned), None),
            "class_rows": [
                (a, a.pk in dropped, replaced.get(a.pk))
                for a in (plan.class_activities if plan is not None else [])  # type: ignore[attr-defined]
            ],
            "added": [a for a in bespoke if not a.replaces_id],
            "day": day_view,
            "limit": limit,
            "form": form,
            "replaces": replaces,
            "confirm": confirm,
        },
        status=400 if form.errors or confirm else 200,
    )


@staff_required(*ADAPTER_ROLES)
@require_POST
def pupil_change(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """Drop or restore one class activity for the pupil, or remove one of the pupil's own activities."""
    pupil = get_pupil_for_adapter(viewer_of(request), code)
    staff = _staff(request)
    action = request.POST.get("action")
    activity_code = request.POST.get("activity", "")
    with refusal_as_message(request):
        if action == "drop":
            services.activity_drop_for_pupil(
                activity=get_class_activity_of_pupil(pupil, activity_code), pupil=pupil, by=staff
            )
        elif action == "restore":
            services.activity_restore_for_pupil(
                activity=get_class_activity_of_pupil(pupil, activity_code), pupil=pupil, by=staff
            )
        elif action == "remove":
            services.activity_delete(activity=get_bespoke_activity(viewer_of(request), pupil, activity_code), by=staff)
        else:
            messages.error(request, "Choose drop, restore or remove.")
            return redirect("learning:pupil_day", code=code, day=day)
        messages.success(request, f"Changed {pupil.first_name}'s learning for the day.")
    return redirect("learning:pupil_day", code=code, day=day)


# --- Parents -------------------------------------------------------------------------------


@parent_required
@offline_cacheable
def child_day(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    pupil = get_pupil_for_parent(viewer_of(request), code)
    date = parse_day(day)
    if date == clock.today():
        plan_opened(pupils=[pupil], day=date)
    previous_day, next_day = selectors.neighbour_days(pupil.school, date)
    template = "learning/child_print.html" if request.GET.get("print") else "learning/child_day.html"
    return render(
        request,
        template,
        {
            "pupil": pupil,
            "day": selectors.pupil_day(pupil, date),
            "date": date,
            "today": clock.today(),
            "previous_day": previous_day,
            "next_day": next_day,
        },
    )


@staff_required()
def index(request: HttpRequest) -> HttpResponse:
    """Where planning starts: the classes the viewer plans, and the pupils they may adapt learning for."""
    viewer = viewer_of(request)
    return render(
        request,
        "learning/index.html",
        {
            "classes": selectors.classes_for_planning(classes_planned_by(viewer)),
            "pupils": selectors.pupils_for_adapting(pupils_adapted_by(viewer)),
            "today": clock.today(),
            # From a weekend or a holiday, adapting a pupil's learning starts on the next working day.
            "adapt_day": _next_working_day(viewer, clock.today()),
        },
    )


def _next_working_day(viewer: Viewer, today: datetime.date) -> datetime.date:
    if viewer.staff is None:
        return today
    _, later = working_days_around(viewer.staff.school, today, before=0, after=1)
    return later[0] if later else today


@staff_required(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.INCLUSION_LEAD)
def entitlement(request: HttpRequest) -> HttpResponse:
    """Leaders: per class and per pupil, the share of remote-education days that offered the full entitlement."""
    viewer = viewer_of(request)
    school = viewer.staff.school  # type: ignore[union-attr]
    today = clock.today()
    form = EntitlementRangeForm(request.GET or {"date_from": today - datetime.timedelta(days=27), "date_to": today})
    report = None
    if form.is_valid():
        report = entitlement_report(
            school=school,
            start=form.cleaned_data["date_from"],
            end=form.cleaned_data["date_to"],
            target=policy_in_force(school).daily_learning_minutes,
        )
    return render(request, "learning/entitlement.html", {"form": form, "report": report})
