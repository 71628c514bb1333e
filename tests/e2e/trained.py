"""What the acceptance runs share: the model a user trains (`courtside model train` on the last three
tour-level seasons), P(A wins) from it for the listings a day misprices, and running a command as a
subprocess the way a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tests.e2e.kalshi_day import Listing

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
COURTSIDE = PYTHON.parent / "courtside"
RUN_AUTO_TRADER = ROOT / "scripts" / "trading" / "run_auto_trader.py"
# What the model needs to know about each competition listed (US Open, Halle, Eastbourne, Bastad).
COMPETITIONS = {
    "US Open Men Singles": ("Hard", "grand_slam"),
    "US Open Women Singles": ("Hard", "grand_slam"),
    "ATP Halle": ("Grass", "tour_500"),
    "WTA Eastbourne": ("Grass", "tour_250"),
    "ATP Bastad": ("Clay", "tour_250"),
}
ROUNDS = {"Round Of 16": "R16", "Round Of 32": "R32", "Quarterfinal": "QF", "Qualification Final": "Q3"}


def train_model(data_dir: Path, work: Path) -> Path:
    """`courtside model train` on 2021-2023 (about 15 s), as a user would; $COURTSIDE_E2E_MODEL
    points at an artifact to reuse instead."""
    given = os.environ.get("COURTSIDE_E2E_MODEL")
    if given:
        return Path(given)
    root = work / "history"
    for tour in ("atp", "wta"):
        folder = root / f"tennis_{tour}"
        folder.mkdir(parents=True)
        for name in [f"{tour}_players.csv", *(f"{tour}_matches_{y}.csv" for y in (2021, 2022, 2023))]:
            (folder / name).symlink_to(data_dir / f"tennis_{tour}" / name)
    out = work / "model"
    done = subprocess.run(
        [str(COURTSIDE), "model", "train", "--data", str(root), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"courtside model train failed:\n{done.stdout}\n{done.stderr}"
    return out


def model_probability(model: Path, day_of_match: date) -> Any:
    """P(A wins) from the project's own predictor and registry, for the listings a day prices."""
    from courtside.app.wiring import load_model
    from courtside.domain.tennis import Level, MatchContext, Surface, Tour

    predictor, registry = load_model(model)

    def p_of(lst: Listing) -> float:
        tour = Tour.WTA if "WTA" in lst.series else Tour.ATP
        surface, level = COMPETITIONS.get(lst.competition, ("Hard", "tour_250"))
        refs = []
        for player in (lst.a, lst.b):
            res = registry.resolve(player.name, tour, active_on=day_of_match)
            if res.player is None:
                return 0.5  # unknown to the model: the listing is there to be skipped
            refs.append(res.player)
        rnd = ROUNDS.get(lst.round or "")
        best_of = 5 if tour is Tour.ATP and level == "grand_slam" else 3
        ctx = MatchContext(
            tour, lst.start.date(), Surface(surface), Level(level), rnd, best_of, lst.competition
        )
        return float(predictor.predict(refs[0], refs[1], ctx).p_a)

    return p_of


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        out = f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        return f"$ {' '.join(self.args)}\nexit {self.returncode}\n{out}"


def run(name: str, args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> Run:
    """One command as a subprocess, with the user's folder as its home unless the caller names one
    (COURTSIDE_HOME: journal, logs/auto_trader.log); its output is also kept next to the log, for a
    human to read."""
    env = {"COURTSIDE_HOME": str(cwd)} | env
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    result = Run(args, done.returncode, done.stdout, done.stderr)
    (cwd / f"{name}.out").write_text(result.explain(), encoding="utf-8")
    return result


def user_env(key_id: str, key_path: Path) -> dict[str, str]:
    """A user's shell: no courtside or Kalshi settings of ours leak in; the simulator's key."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COURTSIDE_", "KALSHI_"))} | {
        "KALSHI_API_KEY_ID": key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(key_path),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
