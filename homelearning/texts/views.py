"""The office's Texts page: this month's texts against the allowance, the call-or-post list, recent texts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from homelearning.core.errors import refusal_as_message
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import Role, User
from homelearning.texts import access, selectors, services
from homelearning.texts.models import CallOrPost


class AllowanceForm(forms.Form):
    monthly_segments = forms.IntegerField(
        label="Text segments a month",
        min_value=0,
        max_value=100_000,
        help_text="A text of up to 160 plain "
        "characters is one segment; longer texts, and texts in Polish, Arabic or other scripts (70 characters a "
        "segment), take more.",
    )


@staff_required(*access.VIEW_ROLES)
def texts_index(request: HttpRequest, form: AllowanceForm | None = None, status: int = 200) -> HttpResponse:
    viewer = viewer_of(request)
    school = viewer.staff.school  # type: ignore[union-attr]
    allowance = services.allowance_for(school)
    used = services.used_this_month(school)
    page = Paginator(selectors.recent_texts(school), 50).get_page(request.GET.get("page"))
    context = {
        "allowance": allowance,
        "used": used,
        "percent": min(100, round(100 * used / allowance.monthly_segments)) if allowance.monthly_segments else 100,
        "month": services.month_start(),
        "to_do": selectors.office_list(school),
        "done": selectors.office_list_history(school).order_by("-done_at")[:20],
        "page": page,
        "form": form or AllowanceForm(initial={"monthly_segments": allowance.monthly_segments}),
        "can_set": viewer.is_headteacher,
        "done_choices": CallOrPost.Done.choices,
        "provider": services.providers.is_configured(),
    }
    return render(request, "texts/index.html", context, status=status)


@require_POST
@staff_required(*access.VIEW_ROLES)
def office_done(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    entry = access.get_office_entry_for(viewer, code)
    with refusal_as_message(request):
        services.office_list_done(entry=entry, by=viewer.staff, how=request.POST.get("how", ""))  # type: ignore[arg-type]
        messages.success(request, f"Done: {entry.carer.full_name}.")
    return redirect("texts:index")


@require_POST
@staff_required(Role.HEADTEACHER)
def allowance_set(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = AllowanceForm(request.POST)
    if not form.is_valid():
        return texts_index(request, form=form, status=400)
    assert isinstance(request.user, User)  # noqa: S101 - staff_required has checked
    with refusal_as_message(request):
        services.allowance_set(
            school=viewer.staff.school,  # type: ignore[union-attr]
            by=request.user,
            monthly_segments=form.cleaned_data["monthly_segments"],
        )
        messages.success(request, f"The monthly allowance is now {form.cleaned_data['monthly_segments']} segments.")
    return redirect("texts:index")
