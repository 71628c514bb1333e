"""A user's command line in a subprocess: the installed `courtside`, a home and a working directory of
its own under tmp_path, none of our COURTSIDE_* or KALSHI_* variables; and what a refusal at the door
looks like (one line naming the setting, exit 2, no traceback, nothing written)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COURTSIDE = Path(sys.executable).parent / "courtside"


def run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COURTSIDE_", "KALSHI_"))}
    return subprocess.run(
        [str(COURTSIDE), *args],
        cwd=cwd,
        env=clean | {"COURTSIDE_HOME": str(home), "COLUMNS": "80"} | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(tmp_path: Path, done: subprocess.CompletedProcess[str], *named: str) -> str:
    assert done.returncode == 2, done
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in done.stderr
    for name in named:
        assert name in lines[0], lines[0]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [], f"{done.args} wrote {written}"
    return lines[0]
