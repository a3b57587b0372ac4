"""Files written by work_submit whose row never committed (an outer transaction rolled back) are swept."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.db import transaction

from homelearning.core import clock
from homelearning.core.models import AuditEvent
from homelearning.journal import services
from homelearning.journal.models import WorkFile, WorkItem
from tests.journal.builders import PDF, jpeg_with_gps, sent_work, upload
from tests.personas import World


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def age(paths: list[Path], hours: float) -> None:
    """Date the files `hours` before the app's clock (the disk stamps them with the machine's real one)."""
    then = (clock.now() - datetime.timedelta(hours=hours)).timestamp()
    for path in paths:
        os.utime(path, (then, then))


def test_rolled_back_submission_files_are_swept(world: World, tmp_path: Path) -> None:
    kept = sent_work(world.amy, world.parent)
    kept_files = files_under(tmp_path)
    assert len(kept_files) == 2  # photo and thumbnail

    with pytest.raises(RuntimeError), transaction.atomic():
        services.work_submit(
            pupil=world.cara,
            by=world.other_parent,
            by_label="Q",
            uploads=[upload(jpeg_with_gps((300, 200))), upload(PDF, "a.pdf", "application/pdf")],
        )
        raise RuntimeError("the caller failed after work_submit returned")
    assert WorkItem.objects.get() == kept
    left = [p for p in files_under(tmp_path) if p not in kept_files]
    assert len(left) == 3  # photo, thumbnail and PDF: on disk, with no row

    # Too young to judge: it might belong to a transaction still running.
    age(files_under(tmp_path), hours=0.5)
    assert services.orphan_files_sweep() == 0
    assert len(files_under(tmp_path)) == 5

    age(files_under(tmp_path), hours=7)
    assert services.orphan_files_sweep() == 3
    assert files_under(tmp_path) == kept_files  # the committed work keeps its files
    assert not any(p.is_dir() and not any(p.iterdir()) for p in tmp_path.rglob("*"))  # no empty folders left
    event = AuditEvent.objects.get(action="journal.files.sweep")
    assert event.details == {"removed": 3} and event.school == world.school
    work_file = WorkFile.objects.get()
    assert Path(work_file.file.path).exists() and Path(work_file.thumbnail.path).exists()


def test_sweep_with_no_files_at_all(world: World) -> None:
    assert services.orphan_files_sweep() == 0


def test_the_daily_task_runs_the_sweep(world: World, tmp_path: Path) -> None:
    from homelearning.journal import tasks

    with pytest.raises(RuntimeError), transaction.atomic():
        sent_work(world.amy, world.parent)
        raise RuntimeError("rolled back")
    age(files_under(tmp_path), hours=24)
    assert tasks.orphan_files_sweep.call() == 2
    assert files_under(tmp_path) == []
