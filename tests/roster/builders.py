"""Uploads in named states, from the sample files in samples/."""

from __future__ import annotations

import io
from pathlib import Path

from homelearning.people.models import User
from homelearning.roster import services
from homelearning.roster.models import ImportBatch, ImportKind

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def previewed(
    user: User,
    data: bytes,
    *,
    name: str = "export.csv",
    kind: str = ImportKind.PUPILS,
    full: bool = True,
    default_class_name: str = "",
) -> ImportBatch:
    staff = user.staff_memberships.get()
    return services.import_upload(
        school=staff.school,
        by=user,
        upload=io.BytesIO(data),
        file_name=name,
        size=len(data),
        kind=kind,
        full=full,
        default_class_name=default_class_name,
    )


def committed(user: User, data: bytes, **kwargs: object) -> ImportBatch:
    batch = previewed(user, data, **kwargs)  # type: ignore[arg-type]
    assert not batch.problems, batch.problems
    return services.import_commit(batch=batch, by=user)


def problems_of(batch: ImportBatch) -> list[tuple[int | None, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in batch.problems]
