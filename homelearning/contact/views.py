"""Thin views for enquiries: a carer asks, the office or the class staff reply (FBK-04)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from homelearning.contact import access, services
from homelearning.contact.forms import EnquiryForm, ReplyForm
from homelearning.contact.models import Enquiry
from homelearning.core.errors import refusal_on_form
from homelearning.people import selectors as people_selectors
from homelearning.people.access import get_pupil_for_parent, parent_required, staff_required, viewer_of
from homelearning.translation import services as machine


@parent_required
def enquiry_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    children = [c.pupil for c in people_selectors.children_of(viewer)]
    schools = list({c.school_id: c.school for c in viewer.carer_records}.values())
    form = EnquiryForm(
        request.POST if request.method == "POST" else None,
        initial={"child": request.GET.get("child", ""), "about": Enquiry.About.LEARNING},
        schools=schools,
    )
    cast(ChoiceField, form.fields["child"]).choices = [("", gettext("Not about one child"))] + [
        (p.code, f"{p.first_name} ({p.school_class.name})") for p in children
    ]
    if request.method == "POST" and form.is_valid():
        pupil = get_pupil_for_parent(viewer, form.cleaned_data["child"]) if form.cleaned_data["child"] else None
        school = pupil.school if pupil is not None else form.school_chosen()
        carer = next(c for c in viewer.carer_records if c.school_id == school.pk)
        with refusal_on_form(form):
            services.enquiry_send(
                school=school,
                by=request.user,  # type: ignore[arg-type]
                by_label=carer.full_name,
                about=form.cleaned_data["about"],
                message=form.cleaned_data["message"],
                pupil=pupil,
            )
            messages.success(request, gettext("Your question has been sent. You will see the reply here."))
            return redirect("contact:my_enquiries")
    status = 400 if request.method == "POST" else 200
    return render(request, "contact/enquiry_new.html", {"form": form}, status=status)


@parent_required
def my_enquiries(request: HttpRequest) -> HttpResponse:
    enquiries = access.enquiries_for_carer(viewer_of(request)).select_related("pupil").order_by("-created_at", "-pk")
    return render(request, "contact/my_enquiries.html", {"enquiries": enquiries})


@staff_required()
def enquiry_inbox(request: HttpRequest) -> HttpResponse:
    """The office's general enquiries and a class's learning enquiries, waiting ones oldest first."""
    found = access.enquiries_for_staff(viewer_of(request)).select_related("pupil__school_class")
    context = {
        "waiting": found.filter(status=Enquiry.Status.OPEN).order_by("created_at", "pk"),
        "answered": found.filter(status=Enquiry.Status.ANSWERED).order_by("-answered_at", "-pk")[:20],
    }
    return render(request, "contact/inbox.html", context)


def enquiry_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    if viewer.staff is None and not viewer.is_parent:
        raise PermissionDenied
    enquiry = access.get_enquiry_for(viewer, code)
    machine.shown([enquiry], ("reply",), get_language())
    return _render(request, enquiry, ReplyForm(), is_staff=access.answers_as_staff(viewer, enquiry))


def _render(
    request: HttpRequest, enquiry: Enquiry, form: ReplyForm, *, is_staff: bool, status: int = 200
) -> HttpResponse:
    return render(
        request, "contact/enquiry.html", {"enquiry": enquiry, "form": form, "is_staff": is_staff}, status=status
    )


@require_POST
@staff_required()
def enquiry_reply(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    enquiry = access.get_enquiry_for_staff(viewer, code)
    staff = viewer.staff
    if staff is None:  # pragma: no cover - staff_required guarantees it
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        with refusal_on_form(form):
            services.enquiry_answer(enquiry=enquiry, by=staff, reply=form.cleaned_data["reply"])
            messages.success(request, "Reply sent; the family has been told.")
            return redirect("contact:inbox")
    return _render(request, enquiry, form, is_staff=True, status=400)
