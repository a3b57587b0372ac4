"""`make test`'s first step: the system packages, installed as root or one sudo line printed otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.production.helpers import ROOT


def _scripts_with(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "scripts").mkdir()
    for name in ("check-system-packages.sh", "install-system-packages.sh"):
        shutil.copy(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    listed = (ROOT / "scripts" / "system-packages.txt").read_text() + f"\n{extra}\n"
    (tmp_path / "scripts" / "system-packages.txt").write_text(listed)
    tmp_path.chmod(0o755)
    for path in tmp_path.rglob("*"):
        path.chmod(0o755)
    return tmp_path


def _as_someone_else(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # As root (CI), drop to `nobody` with su (Debian's util-linux); as anyone else, as they are.
    args = ["su", "nobody", "-s", "/bin/bash", "-c", command] if os.geteuid() == 0 else ["bash", "-c", command]
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def test_all_installed_passes_quietly() -> None:
    result = subprocess.run(
        ["bash", "scripts/check-system-packages.sh"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_without_root_a_missing_package_stops_with_the_one_sudo_line(tmp_path: Path) -> None:
    folder = _scripts_with(tmp_path, "no-such-package-for-home-learning")
    result = _as_someone_else("bash scripts/check-system-packages.sh", folder)
    assert result.returncode == 1
    assert "no-such-package-for-home-learning" in result.stderr
    assert "sudo bash scripts/install-system-packages.sh" in result.stderr
    listed = _as_someone_else("bash scripts/install-system-packages.sh --missing", folder)
    assert listed.stdout.strip() == "no-such-package-for-home-learning"
