"""Roster import in the JSON API: upload a file for a preview, then commit it. Office and headteacher only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from homelearning.api.auth import ApiCaller, caller_of
from homelearning.core.errors import InvalidTransition, ServiceError
from homelearning.roster import services
from homelearning.roster.access import IMPORT_ROLES, get_batch_for_staff
from homelearning.roster.forms import UploadForm
from homelearning.roster.models import ImportBatch

router = Router(tags=["imports"])

# Room for the form's other fields and the multipart boundaries around the file.
_FORM_OVERHEAD = 64 * 1024


class ProblemOut(Schema):
    row: int | None
    column: str
    message: str


class ImportOut(Schema):
    code: str
    kind: str
    source: str
    file_name: str
    full: bool
    status: str
    counts: dict[str, int]
    problems: list[ProblemOut]
    adds: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    leavers: list[dict[str, Any]]

    @staticmethod
    def resolve_counts(obj: ImportBatch) -> dict[str, int]:
        return dict(obj.preview.get("counts", {}))

    @staticmethod
    def resolve_problems(obj: ImportBatch) -> list[dict[str, Any]]:
        return obj.problems

    @staticmethod
    def resolve_adds(obj: ImportBatch) -> list[dict[str, Any]]:
        return list(obj.preview.get("adds", []))

    @staticmethod
    def resolve_changes(obj: ImportBatch) -> list[dict[str, Any]]:
        return list(obj.preview.get("changes", []))

    @staticmethod
    def resolve_leavers(obj: ImportBatch) -> list[dict[str, Any]]:
        return list(obj.preview.get("leavers", []))


def _importer(request: HttpRequest) -> ApiCaller:
    caller = caller_of(request)
    if not caller.viewer.has_role(*IMPORT_ROLES):
        raise HttpError(403, "Your role does not include importing from the MIS.")
    return caller


_UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": ["pupils", "staff"], "default": "pupils"},
                        "full": {"type": "boolean", "default": True},
                        "default_class": {"type": "string"},
                    },
                }
            }
        },
        "required": True,
    }
}


@router.post(
    "/imports",
    response={201: ImportOut},
    url_name="import_create",
    summary="Upload an MIS file (CSV or CTF) and get its preview",
    openapi_extra=_UPLOAD_BODY,
)
def import_create(request: HttpRequest) -> Status[ImportBatch]:
    caller = _importer(request)
    # Judge the size from the header, before the body is read.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > services.max_upload_bytes() + _FORM_OVERHEAD:
        raise HttpError(413, f"The file is too big: at most {services.max_upload_bytes():,} bytes.")
    data = request.POST.copy()
    data.setdefault("full", "true")
    data.setdefault("kind", "pupils")
    form = UploadForm(data, request.FILES)
    if not form.is_valid():
        first = next(iter(form.errors.items()))
        raise HttpError(422, f"{first[0]}: {first[1][0]}")
    upload = form.cleaned_data["file"]
    try:
        batch = services.import_upload(
            school=caller.token.staff.school,
            by=caller.token.staff.user,
            upload=upload,
            file_name=upload.name or "upload",
            size=upload.size,
            kind=form.cleaned_data["kind"],
            full=form.cleaned_data["full"],
            default_class_name=form.cleaned_data["default_class"],
        )
    except ServiceError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, batch)


@router.post(
    "/imports/{code}/commit",
    response=ImportOut,
    url_name="import_commit",
    summary="Commit a previewed import: everything or nothing, once",
)
def import_commit(request: HttpRequest, code: str) -> ImportBatch:
    caller = _importer(request)
    batch = get_batch_for_staff(caller.viewer, code)
    try:
        return services.import_commit(batch=batch, by=caller.token.staff.user)
    except InvalidTransition:
        raise HttpError(409, "This import was already committed or has failed.") from None
    except ServiceError as exc:
        raise HttpError(422, str(exc)) from None
