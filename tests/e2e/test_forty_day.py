"""Acceptance of issue 11 on a simulated day of 40 matches (forty_day.py), as a new user would run it,
against the simulator over loopback, with the documented script:

    python scripts/trading/run_auto_trader.py --once --dry-run --env URL
    python scripts/trading/run_auto_trader.py --once --live --confirm-live --max-hours 48 \\
        --min-volume 1000 --env URL                                    (twice; max_orders_per_scan 5)

(plus --model, the model the user trained, and, live, --max-model-age: the shared match files end in
2023). The live run must buy all 4 mispriced matches within its 5 orders, on a right route, best
first, and nothing on a trap; the second orders on no event of the first; the dry run writes the
user guide's lines to logs/auto_trader.log.

To compare another checkout (say main before this change) on the same day, point
COURTSIDE_E2E_CHECKOUT at it (its script and src/ are run); COURTSIDE_E2E_REPORT=FILE writes which
orders each run placed, in order, as JSON.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.forty_day import FortyDay, build_forty_day, in_play_tape
from tests.e2e.trained import PYTHON, RUN_AUTO_TRADER, Run, model_probability, run, user_env

from courtside.sim.server import SimServer
from courtside.sim.testing import new_rsa_key, prepare_session, write_private_pem

pytestmark = [pytest.mark.slow, pytest.mark.data]

LIVE = ["--live", "--confirm-live", "--max-hours", "48", "--min-volume", "1000", "--max-model-age", "36500"]
GUIDE = re.compile(r"courtside\.guide: (?P<line>.*)$")


@dataclass
class Session:
    day: FortyDay
    user_id: str
    exchange: Any
    home: dict[str, Path] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)
    placed: dict[str, list[Any]] = field(default_factory=dict)  # run -> the exchange's new orders, in order

    def log(self, mode: str) -> str:
        path = self.home[mode] / "logs" / "auto_trader.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def guide(self, mode: str) -> list[str]:
        return [m.group("line") for ln in self.log(mode).splitlines() if (m := GUIDE.search(ln))]


def _orders(exchange: Any, user_id: str) -> list[Any]:
    with exchange.lock:
        return sorted((o for o in exchange.orders.values() if o.user_id == user_id), key=lambda o: o.seq)


def _script() -> tuple[list[str], dict[str, str]]:
    """The script to run, and the environment it needs: this checkout's, or another one's."""
    other = os.environ.get("COURTSIDE_E2E_CHECKOUT")
    if not other:
        return [str(PYTHON), str(RUN_AUTO_TRADER)], {}
    root = Path(other)
    return [str(PYTHON), str(root / "scripts" / "trading" / "run_auto_trader.py")], {
        "PYTHONPATH": str(root / "src")
    }


def _report(s: Session) -> None:
    path = os.environ.get("COURTSIDE_E2E_REPORT")
    if not path:
        return
    rows = {
        name: [
            {"ticker": o.ticker, "side": o.side.value, "price": str(o.price), "count": str(o.initial_count),
             "event": o.ticker.rsplit("-", 1)[0], "kind": s.day.kind(o.ticker.rsplit("-", 1)[0])}
            for o in orders
        ]
        for name, orders in s.placed.items()
    }  # fmt: skip
    Path(path).write_text(json.dumps(rows, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def session(model_dir: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("forty")
    with SimServer(seed=40) as server:
        key = new_rsa_key()
        sim = prepare_session(server, key, write_private_pem(key, tmp / "kalshi-key.pem"), new_rsa_key())
        tape = sim.control.add_user(None, None, {0: Decimal(100000), 3: Decimal(100000)})
        now = sim.exchange.now()
        p_of = model_probability(model_dir, now.date())
        day = build_forty_day(sim.control, sim.mm_user_id, tape, now, p_of, data_dir)
        s = Session(day, sim.user_id, sim.exchange)
        script, extra = _script()
        env = user_env(sim.key_id, sim.private_key_path) | extra
        trade = [*script, "--once", "--env", server.base_url, "--model", str(model_dir)]
        for mode in ("dry", "live"):
            s.home[mode] = tmp / mode
            s.home[mode].mkdir()
        with in_play_tape(server.base_url.removesuffix("/trade-api/v2"), day.in_play_ticker):
            s.runs["dry"] = run("dry", [*trade, "--dry-run"], s.home["dry"], env, timeout=180)
            s.placed["dry"] = _orders(sim.exchange, sim.user_id)
            for name in ("live1", "live2"):
                before = {o.order_id for o in _orders(sim.exchange, sim.user_id)}
                s.runs[name] = run(name, [*trade, *LIVE], s.home["live"], env, timeout=180)
                s.placed[name] = [o for o in _orders(sim.exchange, sim.user_id) if o.order_id not in before]
        _report(s)
        yield s


def _event(ticker: str) -> str:
    return ticker.rsplit("-", 1)[0]


@pytest.mark.parametrize("name", ["dry", "live1", "live2"])
def test_each_run_exits_cleanly(session: Session, name: str) -> None:
    done = session.runs[name]
    assert done.returncode == 0, done.explain()
    assert "Traceback" not in done.stderr, done.explain()


def test_live_buys_all_four_mispriced_matches_within_its_five_orders_on_a_right_route(
    session: Session,
) -> None:
    placed = session.placed["live1"]
    assert 4 <= len(placed) <= 5, [(o.ticker, o.side) for o in placed]
    events = [_event(o.ticker) for o in placed]
    assert set(session.day.mispriced) <= set(events), [session.day.kind(e) for e in events]
    for o in placed:
        event = _event(o.ticker)
        if event in session.day.mispriced:
            assert (o.ticker, o.side.value) in session.day.right[event], (o.ticker, o.side)


def test_live_places_the_mispriced_matches_first(session: Session) -> None:
    kinds = [session.day.kind(_event(o.ticker)) for o in session.placed["live1"]]
    assert kinds[:4] == ["mispriced"] * 4, kinds


def test_live_orders_nothing_on_a_trap(session: Session) -> None:
    for run_name in ("live1", "live2", "dry"):
        hit = [(o.ticker, session.day.kind(_event(o.ticker))) for o in session.placed[run_name]]
        assert all(kind in ("mispriced", "near fair") for _, kind in hit), (run_name, hit)


def test_dry_run_touches_no_order_on_the_exchange(session: Session) -> None:
    assert session.placed["dry"] == []


def test_the_second_live_run_orders_on_no_event_of_the_first(session: Session) -> None:
    first = {_event(o.ticker) for o in session.placed["live1"]}
    second = {_event(o.ticker) for o in session.placed["live2"]}
    assert not first & second, sorted(first & second)


def test_the_dry_run_log_carries_the_guide_s_lines_in_order(session: Session) -> None:
    lines = session.guide("dry")
    assert lines[0] == "Starting market scan..."
    assert re.fullmatch(r"Found \d+ tradable opportunities", lines[1]), lines[:2]
    orders = lines[2:-1]
    assert orders, lines
    assert len(orders) % 4 == 0, lines
    for i in range(0, len(orders), 4):
        head, opportunity, edge, ev = orders[i : i + 4]
        assert head.startswith("[DRY RUN] Would place order: "), head
        body = ast.literal_eval(head.removeprefix("[DRY RUN] Would place order: "))
        assert set(body) == {"ticker", "side", "action", "count", "price"}
        assert (body["action"], body["side"] in ("yes", "no")) == ("buy", True)
        assert opportunity.startswith("  Opportunity: "), opportunity
        assert opportunity.removeprefix("  Opportunity: ").strip(), opportunity
        assert re.fullmatch(r"  Value edge: -?\d+\.\d%", edge), edge
        assert re.fullmatch(r"  Expected value: -?\d+\.\d%", ev), ev
    assert lines[-1] == f"Placed {len(orders) // 4} trades in this scan"
    ordered = {_event(ast.literal_eval(h.split(": ", 1)[1])["ticker"]) for h in orders[::4]}
    assert set(session.day.mispriced) <= ordered


def test_the_live_log_says_placed_order_for_each_order_and_why_the_others_waited(session: Session) -> None:
    log = session.log("live")
    lines = session.guide("live")
    heads = [
        ast.literal_eval(ln.removeprefix("Placed order: ")) for ln in lines if ln.startswith("Placed order: ")
    ]
    assert [h["ticker"] for h in heads[: len(session.placed["live1"])]] == [
        o.ticker for o in session.placed["live1"]
    ]
    assert "Placed 5 trades in this scan" in lines or "Placed 4 trades in this scan" in lines
    assert re.search(r"refused \S+: orders-per-scan cap taken by better #1-#5: ", log), "no cap refusal named"


def test_the_started_matches_are_refused_with_the_reason(session: Session) -> None:
    log = session.log("live")
    for event, kind in session.day.traps.items():
        if kind == "started (live data)":
            assert re.search(rf"{event}: .*match has started \(live data: live\)", log), event
        if kind.startswith("started (in-play prints"):
            assert re.search(rf"{event}: .*(in-play trading: \d+ trades|price jump: {event})", log), event
