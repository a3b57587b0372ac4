"""The register as CSV for the school's MIS (web and API share this)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from homelearning.provision.models import RegisterMark

HEADER = ("UPN", "Surname", "Forename", "Date", "Session", "Code", "Reason")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: never let a name do that.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def register_csv(marks: Iterable[RegisterMark]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for mark in marks:
        pupil = mark.pupil
        writer.writerow(
            (
                pupil.upn or "",
                _cell(pupil.surname),
                _cell(pupil.legal_first_name),
                mark.date.isoformat(),
                mark.session,
                mark.absence_code_id,
                mark.reason_label,
            )
        )
    return out.getvalue()
