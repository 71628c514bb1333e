"""Kalshi's settled markets as results, against the simulator: both tiers, a walkover that is no result,
players in no database made newcomers, then `model update` and a scan that prices them.

The order is a new user's: `data ingest`, `model train`, `data sync --source kalshi --env URL`,
`model update`, `scan --json --env URL`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from tests.unit.model.synth import synthetic_matches
from typer.testing import CliRunner

from courtside.cli import app
from courtside.cli.registry import register
from courtside.data.history import stored_matches
from courtside.data.identity import is_newcomer
from courtside.domain.tennis import Tour
from courtside.sim import generator
from courtside.sim.server import SimServer
from courtside.store.history import HistoryStore

pytestmark = pytest.mark.slow
SACKMANN = [
    "tourney_id",
    "tourney_name",
    "surface",
    "draw_size",
    "tourney_level",
    "tourney_date",
    "match_num",
    "winner_id",
    "winner_seed",
    "winner_entry",
    "winner_name",
    "winner_hand",
    "winner_ht",
    "winner_ioc",
    "winner_age",
    "loser_id",
    "loser_seed",
    "loser_entry",
    "loser_name",
    "loser_hand",
    "loser_ht",
    "loser_ioc",
    "loser_age",
    "score",
    "best_of",
    "round",
    "minutes",
    "winner_rank",
    "winner_rank_points",
    "loser_rank",
    "loser_rank_points",
]
STRONG, MIDDLE, WEAK = "Zed Newman", "Xavi Quill", "Yuri Oldfield"
EVENTS = ("ATP Umag", "ATP Gstaad", "ATP Kitzbuhel", "ATP Halle", "ATP Basel", "ATP Vienna", "ATP Doha",
          "ATP Dubai", "ATP Munich", "ATP Madrid", "ATP Bastad")  # fmt: skip


def _data(root: Path) -> Path:
    """A year of weekly ATP 250 knockouts in Sackmann's layout (a fitted learner needs real structure)."""
    m = synthetic_matches(n_weeks=52)
    m["tourney_date"] = m["tourney_date"] + pd.DateOffset(years=10)  # 2025
    atp = root / "tennis_atp"
    atp.mkdir(parents=True)
    rows = m.assign(tourney_date=m["tourney_date"].dt.strftime("%Y%m%d"), draw_size=16, minutes=90)
    rows.reindex(columns=SACKMANN).to_csv(atp / "atp_matches_2025.csv", index=False)
    ids = sorted(set(m["winner_id"]) | set(m["loser_id"]))
    players = pd.DataFrame(
        {
            "player_id": ids,
            "name_first": "Player",
            "name_last": [str(i - 1000) for i in ids],
            "hand": "R",
            "dob": "19990101",
            "ioc": "ESP",
            "height": 185,
            "wikidata_id": "",
        }
    )
    players.to_csv(atp / "atp_players.csv", index=False)
    return root


def _results(now: pd.Timestamp) -> list[dict[str, object]]:
    """The strong player beats both others, the middle one beats the weak one; the oldest results are
    past the historical cutoff (90 days); one walkover, which is no result."""
    pairs = [(STRONG, WEAK), (MIDDLE, WEAK), (STRONG, MIDDLE)] * 3 + [(STRONG, WEAK)]
    out: list[dict[str, object]] = []
    for i, (w, lo) in enumerate(pairs):
        start = now - timedelta(days=200 - 18 * i)
        out.append({"winner": w, "loser": lo, "tour": "atp", "competition": EVENTS[i],
                    "round": "Round Of 16", "start": start.isoformat()})  # fmt: skip
    out.append({"winner": WEAK, "loser": STRONG, "tour": "atp", "competition": "ATP Bastad",
                "round": "Quarterfinal", "start": (now - timedelta(days=3)).isoformat(),
                "walkover": True})  # fmt: skip
    return out


def _run(*args: str) -> str:
    register(app)
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def test_settled_markets_in_both_tiers_become_results_and_their_players_are_priced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURTSIDE_DATA", raising=False)
    data, history, model = _data(tmp_path / "data"), str(tmp_path / "history"), str(tmp_path / "model")
    _run("data", "ingest", "--from", str(data), "--history", history)
    _run("model", "train", "--history", history, "--out", model, "--json")
    with SimServer(seed=2) as sim:
        now = pd.Timestamp(sim.exchange.now())
        sim.control.results(_results(now))
        sync = json.loads(_run("data", "sync", "--source", "kalshi", "--env", sim.base_url, "--history",
                               history, "--json"))["sources"]["kalshi"]  # fmt: skip
        report = sync["report"]
        assert report["tiers"]["historical"] > 0
        assert report["tiers"]["live"] > 0
        assert report["new"] == 10, report
        assert report["newcomers"] == 3
        assert report["rejected"] == {"scalar settlement (walkover or no ball played): not a result": 1}
        again = json.loads(_run("data", "sync", "--source", "kalshi", "--env", sim.base_url, "--history",
                                history, "--json"))["sources"]["kalshi"]["report"]  # fmt: skip
        assert again["new"] == 0  # it remembers how far it got
        matches = stored_matches(HistoryStore(Path(history)))
        kalshi = matches[matches["source"] == "kalshi"]
        assert len(kalshi) == 10
        assert all(is_newcomer(k) for k in kalshi["winner_key"])
        updated = json.loads(_run("model", "update", "--model", model, "--history", history, "--json"))
        assert updated["results_rolled"] == 10
        assert updated["players_added"] == 3
        assert updated["results_through"] == str(max(kalshi["day"]).date())
        maker = sim.exchange.add_user({0: Decimal("1000000"), 3: Decimal("1000000")}).user_id
        spec = generator.MatchSpec(WEAK, STRONG, Tour.ATP, "ATP Bastad", "Round Of 32",
                                   (now + timedelta(hours=5)).to_pydatetime(), 0.5)  # fmt: skip
        sim.control.bulk(generator.build_bundle([spec], maker, now.to_pydatetime(), seed=4))
        lines = _run("scan", "--json", "--env", sim.base_url, "--model", model, "--max-hours", "48")
    priced = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    ours = [p for p in priced if p["players"] == [WEAK, STRONG]]
    assert len(ours) == 1, priced
    assert ours[0]["p_model"] is not None
    assert ours[0]["p_model"] < 0.4
