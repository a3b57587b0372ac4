"""Pages for paper packs: the office dashboard, a request, a pack's life, and a class printed in one go."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.audit import audit
from homelearning.core.errors import ServiceError
from homelearning.core.files import file_response
from homelearning.learning.models import PlanTemplate
from homelearning.packs import selectors, services
from homelearning.packs.access import (
    MANAGE_ROLES,
    VIEW_ROLES,
    can_manage,
    can_review,
    get_batch_for_staff,
    get_class_for_printing,
    get_pack_for_staff,
    packs_visible_to,
)
from homelearning.packs.forms import (
    BatchForm,
    CallForm,
    CancelForm,
    CollectedForm,
    CompileForm,
    RequestForm,
    ReviewForm,
    SettingsForm,
)
from homelearning.packs.models import Pack, pack_storage
from homelearning.people.access import classes_visible_to, pupils_visible_to, staff_required, viewer_of
from homelearning.people.models import Role, Staff


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required has checked
    return staff


@staff_required(*VIEW_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    staff = _staff(request)
    pack_settings = services.settings_for(staff.school)
    data = selectors.dashboard(
        school=staff.school,
        packs=packs_visible_to(viewer),
        pupils=pupils_visible_to(viewer),
        now=clock.now(),
        at_risk_minutes=pack_settings.at_risk_minutes,
    )
    return render(
        request,
        "packs/dashboard.html",
        {
            "data": data,
            "can_manage": can_manage(viewer),
            "classes": classes_visible_to(viewer).order_by("year_group__position", "name"),
            "batch_form": BatchForm(),
            "pack_settings": pack_settings,
        },
    )


@staff_required(*MANAGE_ROLES)
def request_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    pupils = pupils_visible_to(viewer).order_by("school_class__name", "surname", "legal_first_name")
    initial: dict[str, Any] = {"via": Pack.Via.PHONE}
    if request.method == "GET" and request.GET.get("pupil"):
        initial["pupil"] = request.GET["pupil"]
        initial["via"] = Pack.Via.OFFERED
        if request.GET.get("first_day"):
            initial["first_day"] = request.GET["first_day"]
    form = RequestForm(request.POST if request.method == "POST" else None, pupils=pupils, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pack = services.pack_request(
                pupil=data["pupil"],
                by=_staff(request),
                via=data["via"],
                collector=data["collector"],
                first_day=data["first_day"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The request is recorded. The pack is due by {_when(pack)}.")
            return redirect("packs:detail", code=pack.code)
    return render(request, "packs/request.html", {"form": form}, status=400 if form.is_bound else 200)


def _when(pack: Pack) -> str:
    return f"{timezone.localtime(pack.due_at):%H:%M on %A %-d %B}"


def _templates(pack: Pack) -> Any:
    return PlanTemplate.objects.filter(year_group_id=pack.pupil.school_class.year_group_id).order_by("name")


def _detail(request: HttpRequest, pack: Pack, status: int = 200, **forms: Any) -> HttpResponse:
    viewer = viewer_of(request)
    pack = selectors.pack_detail(pack)
    manage = can_manage(viewer)
    review = can_review(viewer, pack)
    context: dict[str, Any] = {
        "pack": pack,
        "steps": selectors.steps(pack),
        "can_manage": manage,
        "can_review": review,
        "now": clock.now(),
        "today": clock.today(),
    }
    if manage and pack.status in Pack.NOT_READY_STATUSES:
        context["compile_form"] = CompileForm(initial={"note": pack.note}, templates=_templates(pack))
    if manage and pack.status == Pack.Status.READY:
        context["collected_form"] = CollectedForm(initial={"collected_by_name": pack.collector})
    if manage and pack.status in (Pack.Status.REQUESTED, Pack.Status.COMPILED, Pack.Status.READY):
        context["cancel_form"] = CancelForm()
    if review and pack.status == Pack.Status.RETURNED:
        context["review_form"] = ReviewForm()
    if review and pack.status == Pack.Status.REVIEWED:
        context["call_form"] = CallForm()
    context.update(forms)
    return render(request, "packs/detail.html", context, status=status)


@staff_required(*VIEW_ROLES)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    pack = get_pack_for_staff(viewer_of(request), code)
    return _detail(request, pack)


def _step(request: HttpRequest, code: str, *, review: bool = False) -> Pack:
    viewer = viewer_of(request)
    pack = get_pack_for_staff(viewer, code)
    allowed = can_review(viewer, pack) if review else can_manage(viewer)
    if not allowed:
        raise PermissionDenied("Your role does not include this step.")
    return pack


@require_POST
@staff_required(*VIEW_ROLES)
def compile_pack(request: HttpRequest, code: str) -> HttpResponse:
    pack = _step(request, code)
    form = CompileForm(request.POST, templates=_templates(pack))
    if not form.is_valid():
        return _detail(request, pack, status=400, compile_form=form)
    try:
        services.pack_compile(
            pack=pack, by=_staff(request), note=form.cleaned_data["note"], template=form.cleaned_data["template"]
        )
    except services.NoPlan as exc:
        form.add_error(None, str(exc))
        return _detail(request, pack, status=400, compile_form=form, no_plan=exc)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("packs:detail", code=pack.code)
    messages.success(request, "The pack is printed. Download it, print it, then mark it ready for collection.")
    return redirect("packs:detail", code=pack.code)


def _simple_step(request: HttpRequest, code: str, action: str) -> HttpResponse:
    pack = _step(request, code)
    staff = _staff(request)
    try:
        if action == "ready":
            pack = services.pack_ready(pack=pack, by=staff)
            told = pack.carers_told
            messages.success(
                request,
                f"Ready for collection: {told} carer{'s' if told != 1 else ''} emailed."
                if told
                else "Ready for collection. No carer has an email address: phone the family.",
            )
        elif action == "collected":
            form = CollectedForm(request.POST)
            if not form.is_valid():
                return _detail(request, pack, status=400, collected_form=form)
            services.pack_collected(pack=pack, by=staff, collected_by_name=form.cleaned_data["collected_by_name"])
            messages.success(request, "The pack is collected.")
        elif action == "returned":
            services.pack_returned(pack=pack, by=staff)
            messages.success(request, "The pack is back. Its teacher can now review the work.")
        elif action == "cancel":
            cancel_form = CancelForm(request.POST)
            if not cancel_form.is_valid():
                return _detail(request, pack, status=400, cancel_form=cancel_form)
            services.pack_cancel(pack=pack, by=staff, reason=cancel_form.cleaned_data["reason"])
            messages.success(request, "The pack is cancelled.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("packs:detail", code=pack.code)


@require_POST
@staff_required(*VIEW_ROLES)
def ready(request: HttpRequest, code: str) -> HttpResponse:
    return _simple_step(request, code, "ready")


@require_POST
@staff_required(*VIEW_ROLES)
def collected(request: HttpRequest, code: str) -> HttpResponse:
    return _simple_step(request, code, "collected")


@require_POST
@staff_required(*VIEW_ROLES)
def returned(request: HttpRequest, code: str) -> HttpResponse:
    return _simple_step(request, code, "returned")


@require_POST
@staff_required(*VIEW_ROLES)
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    return _simple_step(request, code, "cancel")


@require_POST
@staff_required(*VIEW_ROLES)
def review(request: HttpRequest, code: str) -> HttpResponse:
    pack = _step(request, code, review=True)
    form = ReviewForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, pack, status=400, review_form=form)
    data = form.cleaned_data
    try:
        services.pack_review(
            pack=pack,
            by=_staff(request),
            went_well=data["went_well"],
            challenges=data["challenges"],
            next_steps=data["next_steps"],
            uploads=data["uploads"],
            call_on=data["call_on"],
        )
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return _detail(request, pack, status=400, review_form=form)
    messages.success(request, "The review is saved and a follow-up call is booked.")
    return redirect("packs:detail", code=pack.code)


@require_POST
@staff_required(*VIEW_ROLES)
def call(request: HttpRequest, code: str) -> HttpResponse:
    pack = _step(request, code, review=True)
    form = CallForm(request.POST)
    if not form.is_valid():
        return _detail(request, pack, status=400, call_form=form)
    try:
        pack = services.pack_call(
            pack=pack, by=_staff(request), outcome=form.cleaned_data["outcome"], notes=form.cleaned_data["notes"]
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("packs:detail", code=pack.code)
    if pack.status == Pack.Status.CALLED:
        messages.success(request, "The follow-up call is logged. This pack is complete.")
    else:
        messages.info(request, "The attempt is logged. The call is still to be made.")
    return redirect("packs:detail", code=pack.code)


@staff_required(*VIEW_ROLES)
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    pack = get_pack_for_staff(viewer, code)
    if not pack.pdf:
        raise Http404("This pack has not been printed.")
    audit(action="packs.pdf.download", actor=request.user, school=pack.school, target=pack, request=request)  # type: ignore[arg-type]
    return file_response(  # type: ignore[return-value]
        pack.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"pack-{pack.pupil.first_name}-{pack.first_day:%Y-%m-%d}.pdf",
    )


@require_POST
@staff_required(*MANAGE_ROLES)
def class_print(request: HttpRequest, code: str) -> HttpResponse:
    school_class = get_class_for_printing(viewer_of(request), code)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note must be at most 1000 characters.")
        return redirect("packs:dashboard")
    try:
        batch = services.batch_start(school_class=school_class, by=_staff(request), note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("packs:dashboard")
    messages.success(request, f"{school_class.name}'s packs are being printed. This page shows when they are ready.")
    return redirect("packs:batch", code=batch.code)


@staff_required(*MANAGE_ROLES)
def batch(request: HttpRequest, code: str) -> HttpResponse:
    found = get_batch_for_staff(viewer_of(request), code)
    return render(request, "packs/batch.html", {"batch": found})


@staff_required(*MANAGE_ROLES)
def batch_pdf(request: HttpRequest, code: str, part: int) -> HttpResponse:
    found = get_batch_for_staff(viewer_of(request), code)
    if not 1 <= part <= len(found.files):
        raise Http404("No such file.")
    audit(
        action="packs.batch.download",
        actor=request.user,  # type: ignore[arg-type]
        school=found.school,
        target=found,
        request=request,
        details={"part": part},
    )
    return file_response(  # type: ignore[return-value]
        pack_storage().open(found.files[part - 1]["name"], "rb"),
        content_type="application/pdf",
        filename=f"packs-{found.school_class.name}-{found.created_at:%Y-%m-%d}-{part}.pdf",
    )


@staff_required(Role.HEADTEACHER)
def settings_edit(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    current = services.settings_for(staff.school)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_change(pack_settings=current, by=staff, **form.cleaned_data)
        messages.success(request, "The pack settings are saved.")
        return redirect("packs:dashboard")
    return render(request, "packs/settings.html", {"form": form}, status=400 if form.is_bound else 200)
