"""Thin views for the journal: the family's page, one piece of work, the inbox and the weekly check."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from homelearning.contact import access as contact_access
from homelearning.core import clock
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.core.files import file_response
from homelearning.engagement import services as engagement_services
from homelearning.journal import access, selectors, services
from homelearning.journal.forms import (
    CallLogForm,
    CallRequestForm,
    CommentForm,
    EscalateForm,
    FeedbackEmailForm,
    FeedbackForm,
    HideForm,
    PaperReturnedForm,
    SendWorkForm,
    StaffCallForm,
)
from homelearning.journal.models import FeedbackEmailChoice, WorkItem
from homelearning.learning import selectors as learning_selectors
from homelearning.people.access import (
    classes_visible_to,
    get_class_for_staff,
    get_pupil_for_parent,
    parent_required,
    pupils_visible_to,
    staff_required,
    viewer_of,
)
from homelearning.people.models import Pupil
from homelearning.people.viewer import Viewer

MODERATION_PAGE = 50


def _posted(request: HttpRequest) -> QueryDict | None:
    # An empty POST is still a submission: `request.POST or None` would treat it as a fresh page.
    return request.POST if request.method == "POST" else None


def _bound(request: HttpRequest) -> tuple[QueryDict | None, MultiValueDict[str, UploadedFile] | None]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _label(viewer: Viewer) -> str:
    if viewer.staff is not None:
        return viewer.staff.display_name
    if viewer.carer_records:
        return viewer.carer_records[0].full_name
    return ""


@parent_required
def child_journal(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil = get_pupil_for_parent(viewer, code)
    initial = {"activity": request.GET.get("activity", ""), "day": request.GET.get("day", "")}
    form = SendWorkForm(*_bound(request), initial=initial)
    form.fields["activity"].widget = forms.Select(choices=_activity_choices(pupil, initial["activity"]))
    form.fields["activity"].label = gettext("Which activity is it for? (optional)")
    if request.method == "POST" and form.is_valid():
        activity = None
        if form.cleaned_data["activity"]:
            activity = access.activity_for_pupil(pupil, form.cleaned_data["activity"])
            if activity is None:
                form.add_error(None, "That activity is not part of this child's learning.")
        if not form.errors:
            with refusal_on_form(form):
                services.work_submit(
                    pupil=pupil,
                    by=request.user,  # type: ignore[arg-type]
                    by_label=_label(viewer),
                    uploads=form.cleaned_data["uploads"],
                    note=form.cleaned_data["note"],
                    activity=activity,
                    day=form.cleaned_data["day"],
                )
                messages.success(
                    request,
                    gettext("Thank you: %(name)s's work has been sent to the class.") % {"name": pupil.first_name},
                )
                return redirect("journal:child", code=pupil.code)
    items = selectors.with_translations(list(selectors.journal_for_pupil(pupil, for_staff=False)), get_language())
    if request.method == "GET":
        engagement_services.feedback_read(feedback=[f for item in items for f in item.feedback.all()])
    status = 400 if request.method == "POST" else 200
    context = {
        "pupil": pupil,
        "form": form,
        "items": items,
        "email_choice": FeedbackEmailChoice.How(services.feedback_email_choice(viewer.carer_records[0])).label,
        "max_upload": settings.JOURNAL_UPLOAD_MAX_BYTES,
    }
    return render(request, "journal/child.html", context, status=status)


def _activity_choices(pupil: Pupil, wanted: str) -> list[tuple[str, str]]:
    """Today's activities for the child (the plan the carer is working from), and one named in the link."""
    choices = [("", gettext("Not for a particular activity"))]
    today = learning_selectors.pupil_day(pupil, clock.today())
    choices += [(a.code, f"Today: {a.title}") for a in today.activities]
    if wanted and wanted not in {code for code, _ in choices}:
        named = access.activity_for_pupil(pupil, wanted)
        if named is not None:
            day = f"{named.plan.date:%a %d %b}: " if named.plan is not None else ""
            choices.append((named.code, f"{day}{named.title}"))
    return choices


@parent_required
def email_choice(request: HttpRequest) -> HttpResponse:
    """A carer chooses an email for each piece of feedback, or one daily digest."""
    viewer = viewer_of(request)
    current = services.feedback_email_choice(viewer.carer_records[0])
    form = FeedbackEmailForm(_posted(request), initial={"how": current})
    if request.method == "POST" and form.is_valid():
        services.feedback_email_choose(
            carers=viewer.carer_records,
            by=request.user,  # type: ignore[arg-type]
            how=form.cleaned_data["how"],
        )
        messages.success(
            request, gettext("Saved. %(choice)s.") % {"choice": FeedbackEmailChoice.How(form.cleaned_data["how"]).label}
        )
        return redirect("journal:email_choice")
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/email_choice.html", {"form": form}, status=status)


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    item = access.get_item_for(viewer, code)
    return _render_item(request, viewer, item)


def _render_item(
    request: HttpRequest,
    viewer: Viewer,
    item: WorkItem,
    *,
    feedback_form: FeedbackForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_staff = viewer.staff is not None
    can_feedback = access.is_class_staff(viewer, item)
    feedback_form = feedback_form or FeedbackForm()
    # One box at a time for class staff: feedback answers new work; once it is reviewed, replies go to the
    # family as comments. Two boxes side by side left teachers unsure which the family would read.
    show_feedback = can_feedback and (item.status == WorkItem.Status.NEW or bool(feedback_form.errors))
    shown = selectors.with_translations([selectors.item_with_parts(item, for_staff=is_staff)], get_language())[0]
    if request.method == "GET" and not is_staff and viewer.is_parent:
        engagement_services.feedback_read(feedback=shown.feedback.all())
    context = {
        "item": shown,
        "pupil": item.pupil,
        "is_staff": is_staff,
        "can_feedback": can_feedback,
        "show_feedback": show_feedback,
        "can_hide": access.can_moderate(viewer, item),
        "feedback_form": feedback_form,
        "comment_form": comment_form or CommentForm(for_staff=is_staff),
        "hide_form": HideForm(),
    }
    return render(request, "journal/item.html", context, status=status)


@require_POST
@staff_required()
def feedback(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    item = access.get_item_for(viewer, code)
    if not access.is_class_staff(viewer, item):
        raise PermissionDenied("Only the class's teacher or teaching assistant gives feedback.")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        staff = viewer.staff
        if staff is None:  # pragma: no cover - staff_required guarantees it
            raise PermissionDenied
        with refusal_on_form(form):
            services.feedback_give(
                item=item, by=staff, text=form.cleaned_data["text"], by_phone=form.cleaned_data["by_phone"]
            )
            messages.success(request, "Feedback saved; the family has been told.")
            return redirect("journal:class_inbox", code=item.pupil.school_class.code)
    return _render_item(request, viewer, item, feedback_form=form, status=400)


@require_POST
@staff_required()
def mark_reviewed(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    item = access.get_item_for(viewer, code)
    if viewer.staff is None or not access.is_class_staff(viewer, item):
        raise PermissionDenied("Only the class's teacher or teaching assistant marks work reviewed.")
    try:
        services.item_mark_reviewed(item=item, by=viewer.staff)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("journal:item", code=item.code)
    messages.success(request, "Marked as reviewed.")
    return redirect("journal:class_inbox", code=item.pupil.school_class.code)


@require_POST
def comment(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    item = access.get_item_for(viewer, code)
    if viewer.staff is not None and not access.can_moderate(viewer, item):
        raise PermissionDenied("Only the class staff and senior leaders comment on work.")
    form = CommentForm(request.POST, for_staff=viewer.staff is not None)
    if form.is_valid():
        with refusal_on_form(form):
            services.comment_add(
                item=item,
                by=request.user,
                by_label=_label(viewer),
                text=form.cleaned_data["text"],
                by_staff=viewer.staff is not None,
            )
            return redirect(reverse("journal:item", args=[item.code]) + "#comments")
    return _render_item(request, viewer, item, comment_form=form, status=400)


@require_POST
@staff_required()
def comment_hide(request: HttpRequest, code: str, comment_code: str) -> HttpResponse:
    viewer = viewer_of(request)
    item = access.get_item_for(viewer, code)
    if not access.can_moderate(viewer, item):
        raise PermissionDenied("Only the class staff and senior leaders hide comments.")
    target = access.get_comment_for_staff(viewer, item, comment_code)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the comment is being hidden.")
    else:
        with refusal_as_message(request):
            services.comment_hide(comment=target, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            messages.success(request, "The comment is hidden from the family. It is kept for the record.")
    return redirect(reverse("journal:item", args=[item.code]) + "#comments")


def work_file(request: HttpRequest, code: str) -> HttpResponseBase:
    """A photo or PDF, checked for this person on every request (never a public media URL)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    part = access.get_file_for(viewer_of(request), code)
    field = part.thumbnail if request.GET.get("size") == "thumb" and part.thumbnail else part.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    content_type = "image/jpeg" if field is part.thumbnail else part.content_type
    image = content_type == "image/jpeg"  # photos are always our own re-encoded JPEGs
    suffix = ".jpg" if image else ".pdf"
    return file_response(handle, content_type=content_type, filename=f"{part.code}{suffix}", reencoded_image=image)


@staff_required()
def inbox(request: HttpRequest) -> HttpResponse:
    """New work per class, today's calls, waiting questions; for senior leaders, whether the weekly review is done."""
    viewer = viewer_of(request)
    today = clock.today()
    context: dict[str, object] = {
        "classes": selectors.inbox_classes(classes_visible_to(viewer)),
        "todays_calls": selectors.calls_for_day(access.calls_for_class_staff(viewer), today),
        "questions": contact_access.enquiries_for_staff(viewer).filter(status="open").count(),
        "today": today,
    }
    if viewer.has_role(*access.MODERATOR_ROLES):
        context["summary"] = selectors.moderation_summary(
            access.moderation_items(viewer), access.moderation_comments(viewer)
        )
    return render(request, "journal/inbox.html", context)


@staff_required()
def class_inbox(request: HttpRequest, code: str) -> HttpResponse:
    school_class = get_class_for_staff(viewer_of(request), code)
    items = selectors.class_inbox(school_class)
    viewer = viewer_of(request)
    # Recording paper work is for the class's own staff; others see the inbox without those links.
    teaches = access.teaches_class(viewer, school_class)
    pupils = pupils_visible_to(viewer).filter(school_class=school_class).order_by("surname") if teaches else []
    context = {"school_class": school_class, "items": items, "pupils": pupils, "teaches": teaches}
    return render(request, "journal/class_inbox.html", context)


# --- Weekly moderation (senior leaders) ---------------------------------------------------


@staff_required(*access.MODERATOR_ROLES)
def moderation(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    items = selectors.moderation_queue_items(access.moderation_items(viewer))
    comments = selectors.moderation_queue_comments(access.moderation_comments(viewer))
    item_page = Paginator(items, MODERATION_PAGE).get_page(request.GET.get("page"))
    comment_page = Paginator(comments, MODERATION_PAGE).get_page(request.GET.get("cpage"))
    summary = selectors.moderation_summary(access.moderation_items(viewer), access.moderation_comments(viewer))
    reviewers = selectors.reviewed_recently(
        access.moderation_items(viewer),
        access.moderation_comments(viewer),
        school=viewer.staff.school,  # type: ignore[union-attr]
        since=clock.now() - datetime.timedelta(days=14),
    )
    context = {"item_page": item_page, "comment_page": comment_page, "summary": summary, "reviewers": reviewers}
    return render(request, "journal/moderation.html", context)


@require_POST
@staff_required(*access.MODERATOR_ROLES)
def moderation_review(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    item_codes = request.POST.getlist("item")[: MODERATION_PAGE * 2]
    comment_codes = request.POST.getlist("comment")[: MODERATION_PAGE * 2]
    items = list(access.moderation_items(viewer).select_related("school").filter(code__in=item_codes))
    comments = list(access.moderation_comments(viewer).select_related("item__school").filter(code__in=comment_codes))
    if not items and not comments:
        messages.error(request, "Nothing was chosen to mark as reviewed.")
    else:
        done = services.moderation_mark_reviewed(by=request.user, items=items, comments=comments)  # type: ignore[arg-type]
        messages.success(request, f"{done} marked as reviewed.")
    return redirect("journal:moderation")


def _moderated_item(request: HttpRequest, code: str) -> WorkItem:
    try:
        return access.moderation_items(viewer_of(request)).select_related("pupil", "school").get(code=code)
    except WorkItem.DoesNotExist:
        raise Http404("No such piece of work.") from None


@require_POST
@staff_required(*access.MODERATOR_ROLES)
def moderation_hide(request: HttpRequest, code: str) -> HttpResponse:
    item = _moderated_item(request, code)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the work is being hidden.")
    else:
        with refusal_as_message(request):
            services.item_hide(item=item, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            messages.success(request, "The work is hidden from the family. It is kept for the record.")
    return redirect("journal:moderation")


@staff_required(*access.MODERATOR_ROLES)
def moderation_escalate(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    item = _moderated_item(request, code)
    form = EscalateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.item_escalate(
                item=item,
                by=request.user,  # type: ignore[arg-type]
                by_label=_label(viewer),
                category=form.cleaned_data["category"],
                what=form.cleaned_data["what"],
            )
            messages.success(request, "The DSL team has been told.")
            return redirect("journal:moderation")
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/escalate.html", {"item": item, "form": form}, status=status)


@staff_required()
def paper_returned(request: HttpRequest, code: str) -> HttpResponse:
    """Class staff record that paper work came back, optionally photographing it into the journal (FBK-03)."""
    viewer = viewer_of(request)
    pupil = access.get_pupil_for_class_staff(viewer, code)
    form = PaperReturnedForm(*_bound(request))
    del form.fields["activity"]
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.work_submit(
                pupil=pupil,
                by=request.user,  # type: ignore[arg-type]
                by_label=_label(viewer),
                uploads=form.cleaned_data["uploads"],
                note=form.cleaned_data["note"] or "Paper work returned to school.",
                day=form.cleaned_data["day"],
                on_paper=True,
            )
            messages.success(request, f"Paper work recorded for {pupil.first_name}.")
            return redirect("journal:class_inbox", code=pupil.school_class.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/paper.html", {"pupil": pupil, "form": form}, status=status)


# --- Calls (FBK-04/05) ----------------------------------------------------------------------


@parent_required
def call_ask(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pupil = get_pupil_for_parent(viewer, code)
    form = CallRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.call_request(
                pupil=pupil,
                by=request.user,  # type: ignore[arg-type]
                by_label=_label(viewer),
                reason=form.cleaned_data["reason"],
                good_times=form.cleaned_data["good_times"],
            )
            messages.success(request, gettext("%(name)s's teacher will call you back.") % {"name": pupil.first_name})
            return redirect("journal:child", code=pupil.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/call_ask.html", {"pupil": pupil, "form": form}, status=status)


@staff_required()
def calls(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    pupils = pupils_visible_to(viewer).order_by("surname", "legal_first_name")
    form = StaffCallForm(_posted(request))
    pupil_code = request.POST.get("pupil", "")
    if request.method == "POST" and form.is_valid():
        pupil = pupils.filter(code=pupil_code).first()
        if pupil is None:
            form.add_error(None, "Choose a child.")
        else:
            with refusal_on_form(form):
                services.call_request(
                    pupil=pupil,
                    by=request.user,  # type: ignore[arg-type]
                    by_label=_label(viewer),
                    reason=form.cleaned_data["reason"],
                    good_times=form.cleaned_data["good_times"],
                    call_on=form.cleaned_data["call_on"],
                    by_staff=True,
                )
                messages.success(request, "Call scheduled.")
                return redirect("journal:calls")
    context = {
        "calls": selectors.open_calls(access.calls_visible_to(viewer)),
        "today": clock.today(),
        "form": form,
        "pupils": pupils,
        "pupil_code": pupil_code,
    }
    return render(request, "journal/calls.html", context, status=400 if request.method == "POST" else 200)


@staff_required()
def call_log(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    call = access.get_call_for_staff(viewer, code)
    form = CallLogForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        staff = viewer.staff
        if staff is None:  # pragma: no cover - staff_required guarantees it
            raise PermissionDenied
        with refusal_on_form(form):
            services.call_log(
                call=call,
                by=staff,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                follow_up=form.cleaned_data["follow_up"],
            )
            messages.success(request, "Call logged.")
            return redirect("journal:calls")
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/call_log.html", {"call": call, "form": form}, status=status)
