"""Serving stored files: one place decides how a browser may treat them."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse


def file_response(
    handle: IO[bytes], *, content_type: str, filename: str = "", reencoded_image: bool = False
) -> FileResponse:
    """A stored file for an access-checked view: private caching and `nosniff` always, and
    `Content-Disposition: attachment` for everything except images Home Learning re-encoded itself
    (those show in the page); a PDF, clip or anything else is never opened inline by the browser."""
    response = FileResponse(handle, content_type=content_type, as_attachment=not reencoded_image, filename=filename)
    if reencoded_image:
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
