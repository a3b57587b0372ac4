"""The office's import pages: upload, choose columns, preview, commit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.people.access import staff_required, viewer_of
from homelearning.people.models import User
from homelearning.roster import services
from homelearning.roster.access import IMPORT_ROLES, get_batch_for_staff
from homelearning.roster.forms import ColumnsForm, UploadForm, WondeForm
from homelearning.roster.models import ImportBatch
from homelearning.roster.reading import FIELDS_BY_KIND
from homelearning.roster.selectors import recent_imports

# Room for the form's other fields and the multipart boundaries around the file.
_FORM_OVERHEAD = 64 * 1024
COUNT_LABELS = {
    "pupils_add": "pupils to add",
    "pupils_change": "pupils to change",
    "pupils_unchanged": "pupils unchanged",
    "pupils_leave": "pupils to mark as left",
    "classes_add": "classes to add",
    "carers_add": "parents and carers to add",
    "carers_change": "parents and carers to change",
    "links_add": "new links between a pupil and a carer",
    "links_change": "links to change",
    "staff_add": "staff to add",
    "staff_change": "staff to change",
    "staff_unchanged": "staff unchanged",
    "staff_leave": "staff to mark as left (their access ends)",
    "problems": "problems",
}


def _too_big(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > services.max_upload_bytes() + _FORM_OVERHEAD


@staff_required(*IMPORT_ROLES)
def import_list(request: HttpRequest) -> HttpResponse:
    staff = viewer_of(request).staff
    if staff is None:  # staff_required has checked; this tells the type checker.
        raise PermissionDenied
    school = staff.school
    form = UploadForm()
    status = 200
    error = ""
    if request.method == "POST":
        # Judge the size from the header, before Django reads the body.
        if _too_big(request):
            error = (
                f"The file is too big: the largest file Home Learning takes is "
                f"{services.max_upload_bytes() / 1_000_000:.1f} MB."
            )
            status = 400
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    batch = services.import_upload(
                        school=school,
                        by=request.user,  # type: ignore[arg-type]
                        upload=upload,
                        file_name=upload.name or "upload",
                        size=upload.size,
                        kind=form.cleaned_data["kind"],
                        full=form.cleaned_data["full"],
                        default_class_name=form.cleaned_data["default_class"],
                    )
                except ServiceError as exc:
                    form.add_error("file", str(exc))
                else:
                    return redirect("roster:import_detail", code=batch.code)
            status = 400
    return render(
        request,
        "roster/import_list.html",
        {"form": form, "batches": recent_imports(school), "error": error},
        status=status,
    )


def _columns_form(batch: ImportBatch, data: object = None) -> ColumnsForm | None:
    if batch.source != ImportBatch.Source.CSV or batch.status != ImportBatch.Status.PREVIEWED:
        return None
    headers = batch.preview.get("headers", [])
    return ColumnsForm(data, kind=batch.kind, headers=headers, initial=batch.preview.get("columns", {}))


def _detail(
    request: HttpRequest, batch: ImportBatch, form: ColumnsForm | None = None, status: int = 200
) -> HttpResponse:
    fields = FIELDS_BY_KIND[batch.kind]
    return render(
        request,
        "roster/import_detail.html",
        {
            "batch": batch,
            "preview": batch.preview,
            "columns_form": form or _columns_form(batch),
            "field_labels": {name: spec.label for name, spec in fields.items()},
            "summary": [(COUNT_LABELS.get(k, k), v) for k, v in batch.preview.get("counts", {}).items()],
        },
        status=status,
    )


@staff_required(*IMPORT_ROLES)
def import_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, get_batch_for_staff(viewer_of(request), code))


@require_POST
@staff_required(*IMPORT_ROLES)
def import_columns(request: HttpRequest, code: str) -> HttpResponse:
    batch = get_batch_for_staff(viewer_of(request), code)
    form = _columns_form(batch, request.POST)
    if form is None:
        messages.error(request, "The columns of this import can no longer be changed.")
        return redirect("roster:import_detail", code=batch.code)
    if not form.is_valid():
        return _detail(request, batch, form, status=400)
    user: User = request.user  # type: ignore[assignment]
    try:
        services.import_columns_set(batch=batch, by=user, columns=form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return _detail(request, batch, form, status=400)
    messages.success(request, "Columns saved: they will be chosen for you next time. Here is the new preview.")
    return redirect("roster:import_detail", code=batch.code)


@require_POST
@staff_required(*IMPORT_ROLES)
def import_commit(request: HttpRequest, code: str) -> HttpResponse:
    batch = get_batch_for_staff(viewer_of(request), code)
    user: User = request.user  # type: ignore[assignment]
    try:
        services.import_commit(batch=batch, by=user)
    except InvalidTransition:
        messages.error(request, "This import was already committed or has failed: nothing more was done.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Imported. Every change in the preview is now on the roll.")
    return redirect("roster:import_detail", code=batch.code)


# --- Wonde (issue 17) --------------------------------------------------------------------------------------------


@staff_required(*IMPORT_ROLES)
def wonde_page(request: HttpRequest) -> HttpResponse:
    from homelearning.roster import wonde_sync
    from homelearning.roster.models import WondeSettings

    staff = viewer_of(request).staff
    if staff is None:
        raise PermissionDenied
    link = WondeSettings.objects.filter(school=staff.school).first()
    status = 200
    if request.method == "POST":
        form = WondeForm(request.POST)
        if form.is_valid():
            try:
                wonde_sync.link_set(school=staff.school, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ServiceError as exc:
                form.add_error("wonde_school_id", str(exc))
            else:
                messages.success(request, "Saved.")
                return redirect("roster:wonde")
        status = 400
    else:
        initial = (
            {"wonde_school_id": link.wonde_school_id, "nightly": link.nightly, "write_back": link.write_back}
            if link
            else {"nightly": True}
        )
        form = WondeForm(initial=initial)
    context = {"form": form, "link": link, "rejected": wonde_sync.rejected_marks(staff.school) if link else []}
    return render(request, "roster/wonde.html", context, status=status)


@require_POST
@staff_required(*IMPORT_ROLES)
def wonde_sync_now(request: HttpRequest) -> HttpResponse:
    from homelearning.roster import wonde_sync

    staff = viewer_of(request).staff
    if staff is None:
        raise PermissionDenied
    try:
        batches = wonde_sync.sync_preview(school=staff.school, by=request.user)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("roster:wonde")
    messages.success(request, "Read from Wonde. Check each preview, then import it (pupils here; staff under Imports).")
    return redirect("roster:import_detail", code=batches[0].code)


@require_POST
@staff_required(*IMPORT_ROLES)
def wonde_write_back_now(request: HttpRequest) -> HttpResponse:
    from homelearning.roster import wonde_sync

    staff = viewer_of(request).staff
    if staff is None:
        raise PermissionDenied
    try:
        result = wonde_sync.marks_write_back(school=staff.school)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if result.get("mode") == "csv":
            messages.error(
                request, "Writing marks to the MIS is off for this school: download the register CSV instead."
            )
        else:
            messages.success(request, f"{result.get('sent', 0)} marks sent, {result.get('rejected', 0)} rejected.")
    return redirect("roster:wonde")
