"""deploy/backup.sh and deploy/restore.sh: back up, restore into a throwaway database, compare every table."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.production.helpers import ROOT, database_url_for_subprocesses, requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"


def run(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        ["/bin/bash", str(script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]  # noqa: S608 - names from the catalogue


@pytest.fixture
def throwaway_db():
    db = connection.settings_dict
    server = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    admin = f"{server}/postgres"
    name = f"hl_prod_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_gives_the_same_rows_and_files(tmp_path, throwaway_db):
    from tests.personas import build_world

    build_world()
    source = database_url_for_subprocesses()
    media = tmp_path / "media"
    (media / "private" / "journal").mkdir(parents=True)
    (media / "private" / "journal" / "snowman.jpg").write_bytes(b"\xff\xd8 snowman")
    backups = tmp_path / "backups"

    made = run(BACKUP, DATABASE_URL=source, MEDIA_ROOT=str(media), BACKUP_DIR=str(backups))
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["INFO", "SHA256SUMS", "db.dump", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    done = run(RESTORE, str(folder), DATABASE_URL=throwaway_db, MEDIA_ROOT=str(restored_media))
    assert done.returncode == 0, done.stderr
    before, after = row_counts(source), row_counts(throwaway_db)
    assert after == before
    assert before["people_pupil"] > 0 and before["people_user"] > 0
    assert (restored_media / "private" / "journal" / "snowman.jpg").read_bytes() == b"\xff\xd8 snowman"

    # A second restore into the now-full database is refused, and changes nothing.
    again = run(RESTORE, str(folder), DATABASE_URL=throwaway_db, MEDIA_ROOT=str(tmp_path / "other"))
    assert again.returncode == 4
    assert "restore into a new, empty database" in again.stderr
    assert row_counts(throwaway_db) == before


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path, throwaway_db):
    made = run(BACKUP, DATABASE_URL=database_url_for_subprocesses(), BACKUP_DIR=str(tmp_path))
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    with (folder / "db.dump").open("ab") as dump:
        dump.write(b"bit rot")
    done = run(RESTORE, str(folder), DATABASE_URL=throwaway_db)
    assert done.returncode == 3
    assert "damaged" in done.stderr
    assert row_counts(throwaway_db) == {}


def test_backup_needs_its_settings():
    result = run(BACKUP, DATABASE_URL="", BACKUP_DIR="")
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
