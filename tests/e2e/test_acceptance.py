"""Acceptance: the AutoTrader run as a new user would, as subprocesses, against a Kalshi-compatible
server on loopback holding a hand-written adversarial day (kalshi_day.py): hard names, both title
formats, distractor series, malformed markets, a match 72 h out, a thin market, three mispricings.

One day is listed per module and the commands are run once each, in the order a user would:
`courtside scan --json`, then `run_auto_trader.py --once` twice in dry-run, then twice live.
Each test checks one thing the user would notice in their output, log or account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.kalshi_day import Day, TamperingProxy, build_day, iter_json_lines
from tests.e2e.trained import COURTSIDE, PYTHON, RUN_AUTO_TRADER, Run, model_probability, user_env
from tests.e2e.trained import run as _run

from courtside.sim.server import SimServer
from courtside.sim.testing import new_rsa_key, prepare_session, write_private_pem

pytestmark = [pytest.mark.slow, pytest.mark.data]

MAX_SIZE = 3
MIN_VOLUME = 20
# The flags of the README's dry-run example, with a volume floor the thin market falls under.
FLAGS = [
    "--min-value", "0.02",
    "--min-ev", "0.05",
    "--max-size", str(MAX_SIZE),
    "--max-hours", "48",
    "--min-volume", str(MIN_VOLUME),
]  # fmt: skip
ORDER_LINE = re.compile(
    r"order: (?P<ticker>\S+) side=(?P<side>\w+) action=(?P<action>\w+) count=(?P<count>[\d.]+) "
    r"price=(?P<price>[\d.]+)"
)


# ---- the server, the day and the runs -----------------------------------------------------------


@dataclass
class Session:
    day: Day
    base_url: str  # the tampering proxy in front of the simulator
    trader_user: str
    exchange: Any
    key_pem: Path
    key_id: str
    home: dict[str, Path] = field(default_factory=dict)  # mode -> the user's working directory
    runs: dict[str, Run] = field(default_factory=dict)
    live_orders_after: dict[str, list[Any]] = field(default_factory=dict)

    def log(self, mode: str) -> str:
        path = self.home[mode] / "logs" / "auto_trader.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def scan_rows(self) -> list[dict[str, Any]]:
        return list(iter_json_lines(self.runs["scan"].stdout))


def _trader_orders(exchange: Any, user_id: str) -> list[Any]:
    with exchange.lock:
        return [o for o in exchange.orders.values() if o.user_id == user_id]


@pytest.fixture(scope="module")
def session(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("user")
    with SimServer(seed=11) as server:
        key = new_rsa_key()
        sim = prepare_session(server, key, write_private_pem(key, tmp / "kalshi-key.pem"), new_rsa_key())
        tape = sim.control.add_user(None, None, {0: Decimal(100000), 3: Decimal(100000)})
        now = sim.exchange.now()
        day = build_day(sim.control, sim.mm_user_id, tape, now, model_probability(model_dir, now.date()))
        with TamperingProxy(server.base_url.removesuffix("/trade-api/v2"), day.tamper) as proxy:
            s = Session(day, proxy.base_url, sim.user_id, sim.exchange, sim.private_key_path, sim.key_id)
            env = user_env(sim.key_id, sim.private_key_path)
            common = ["--env", s.base_url, "--model", str(model_dir)]
            for mode in ("scan", "dry", "live", "refuse"):
                s.home[mode] = tmp / mode
                s.home[mode].mkdir()
            # the model learns from the shared files, which end in 2023: past any --max-model-age a live
            # trader would accept (that refusal is tested in tests/unit/app/test_freshness.py)
            trade = [str(PYTHON), str(RUN_AUTO_TRADER), "--once", *common, *FLAGS, "--max-model-age", "36500"]
            first = {  # independent of each other and of the exchange's orders: run side by side
                "scan": ([str(COURTSIDE), "scan", "--json", *common, *FLAGS], "scan"),
                "dry1": ([*trade, "--dry-run"], "dry"),
                "refuse": ([*trade, "--live"], "refuse"),
            }
            with ThreadPoolExecutor(len(first)) as pool:
                futures = {n: pool.submit(_run, n, a, s.home[h], env) for n, (a, h) in first.items()}
                s.runs |= {n: f.result() for n, f in futures.items()}
            s.runs["dry2"] = _run("dry2", [*trade, "--dry-run"], s.home["dry"], env)
            s.live_orders_after["dry"] = _trader_orders(sim.exchange, sim.user_id)
            s.runs["live1"] = _run("live1", [*trade, "--live", "--confirm-live"], s.home["live"], env)
            s.live_orders_after["live1"] = _trader_orders(sim.exchange, sim.user_id)
            s.runs["live2"] = _run("live2", [*trade, "--live", "--confirm-live"], s.home["live"], env)
            s.live_orders_after["live2"] = _trader_orders(sim.exchange, sim.user_id)
            yield s


def _event_of(ticker: str) -> str:
    return ticker.rsplit("-", 1)[0]


def _logged_orders(log: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in ORDER_LINE.finditer(log)]


# ---- the commands run -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scan", "dry1", "dry2", "live1", "live2"])
def test_each_command_exits_cleanly(session: Session, name: str) -> None:
    run = session.runs[name]
    assert run.returncode == 0, run.explain()
    assert "Traceback" not in run.stderr, run.explain()


def test_the_key_never_reaches_output_or_log(session: Session) -> None:
    secret_bits = ["BEGIN PRIVATE KEY", session.key_pem.read_text().splitlines()[1], session.key_id]
    for mode in ("dry", "live"):
        text = session.log(mode) + "".join(r.stdout + r.stderr for r in session.runs.values())
        for bit in secret_bits:
            assert bit not in text


# ---- courtside scan --json ------------------------------------------------------------------------


def test_scan_prices_the_mispriced_matches_and_would_take_them(session: Session) -> None:
    rows = {r["event_ticker"]: r for r in session.scan_rows()}
    for event, lst in session.day.mispriced.items():
        assert event in rows, f"{lst.a.name} vs {lst.b.name} ({event}) missing from scan --json:\n" + (
            session.runs["scan"].explain()
        )
        row = rows[event]
        assert row["decision"] == "taken", row
        assert row["tickers"] == [lst.ticker(lst.a), lst.ticker(lst.b)], row
        assert row["route"].split("@")[-1] in row["tickers"], row
        assert Decimal(row["edge"]) >= Decimal("0.02"), row
        assert Decimal(row["ev"]) >= Decimal("0.05"), row
        assert Decimal(row["size"]) <= MAX_SIZE, row


def test_scan_identifies_the_right_brother_and_sister(session: Session) -> None:
    """p_model is the model's number for the named player A (Juan Manuel, not Francisco, Cerundolo;
    Karolina, not Kristyna, Pliskova): a mix-up would move it by far more than 0.03."""
    rows = {r["event_ticker"]: r for r in session.scan_rows()}
    for event in [*session.day.mispriced, *session.day.fair]:
        row = rows.get(event)
        assert row is not None, f"{event} missing from scan --json"
        assert row["p_model"] is not None, row
        assert abs(row["p_model"] - session.day.p_model[event]) < 0.03, (row, session.day.p_model[event])


def _assert_skip_lines(session: Session, expected: dict[str, str]) -> None:
    rows = {r["event_ticker"]: r for r in session.scan_rows()}
    missing = {e: why for e, why in expected.items() if e not in rows}
    assert not missing, f"no scan --json line for: {missing}"
    for event in expected:
        row = rows[event]
        assert row["decision"] != "taken", row
        assert row["reasons"], row
        assert all(r.strip() for r in row["reasons"]), row


def test_scan_shows_each_unusable_listing_with_its_reason(session: Session) -> None:
    """One market, three markets, a suffix naming neither player, a player the model does not know:
    each gets a scan --json line that says why it is not traded."""
    day = session.day
    expected = {e: why for e, why in day.malformed.items() if e not in day.garbled}
    expected |= {e: "player unknown to the model" for e in day.unknown_player}
    _assert_skip_lines(session, expected)


def test_scan_shows_each_garbled_market_with_its_reason(session: Session) -> None:
    """A server that leaves out price_ranges or yes_sub_title, or sends occurrence_datetime "TBD":
    the match is skipped (not traded), and the user can see it and why in scan --json."""
    day = session.day
    _assert_skip_lines(session, {e: day.malformed[e] for e in day.garbled})


def test_log_names_every_skipped_event_with_its_reason(session: Session) -> None:
    """The trader's log (dry-run) says which listings it skipped and why, one line each."""
    lines = session.log("dry").splitlines()
    for event, what in {**session.day.malformed, **session.day.unknown_player}.items():
        hits = [ln for ln in lines if event in ln and re.search(r"skip", ln, re.I)]
        assert hits, f"no skip line for {event} ({what})"


def test_scan_reasons_name_the_window_and_the_volume(session: Session) -> None:
    rows = {r["event_ticker"]: r for r in session.scan_rows()}
    for event in session.day.out_of_window:
        assert event in rows, f"{event} (72 h out) missing from scan --json"
        assert re.search(r"hour|window|start", " ".join(rows[event]["reasons"]), re.I), rows[event]
    for event in session.day.thin:
        assert event in rows, f"{event} (thin) missing from scan --json"
        assert re.search(r"volume", " ".join(rows[event]["reasons"]), re.I), rows[event]


def test_scan_never_takes_a_distractor_or_fairly_priced_match(session: Session) -> None:
    for row in session.scan_rows():
        event = row["event_ticker"]
        assert row["event_ticker"] not in session.day.distractors, row
        if event in session.day.must_not_trade:
            assert row["decision"] != "taken", row


def test_scan_places_nothing(session: Session) -> None:
    assert not session.live_orders_after["dry"]
    assert "order: " not in session.log("scan")


# ---- dry-run ---------------------------------------------------------------------------------------


def test_dry_run_would_order_only_the_mispriced_matches(session: Session) -> None:
    log = session.log("dry")
    orders = _logged_orders(log)
    events = {_event_of(o["ticker"]) for o in orders}
    assert events == set(session.day.mispriced), log


def test_dry_run_places_nothing_on_the_exchange(session: Session) -> None:
    assert session.live_orders_after["dry"] == []


def test_dry_run_second_once_adds_no_duplicate(session: Session) -> None:
    orders = _logged_orders(session.log("dry"))
    tickers = [o["ticker"] for o in orders]
    assert len(tickers) == len(set(tickers)) == len(session.day.mispriced), orders


def test_dry_run_log_has_the_lines_a_user_reads(session: Session) -> None:
    log = session.log("dry")
    assert re.search(r"scan \d+ start", log), log
    assert re.search(r"\d+ opportunities found", log), log
    assert re.search(r"\d+ trades placed", log), log
    for lst in session.day.mispriced.values():
        line = next((ln for ln in log.splitlines() if "opportunity:" in ln and lst.a.surname in ln), None)
        assert line is not None, f"no opportunity line with the title of {lst.event_ticker}"
        assert "value edge" in line
        assert "expected value" in line
    for o in _logged_orders(log):
        assert o["side"] in ("yes", "no")
        assert o["action"] == "buy"
        assert Decimal("0") < Decimal(o["count"]) <= MAX_SIZE
        assert Decimal("0") < Decimal(o["price"]) < Decimal("1")


# ---- live ------------------------------------------------------------------------------------------


def test_live_orders_only_the_mispriced_matches(session: Session) -> None:
    orders = session.live_orders_after["live1"]
    assert {_event_of(o.ticker) for o in orders} == set(session.day.mispriced), [
        (o.ticker, o.side, o.price, o.initial_count) for o in orders
    ]


def test_live_orders_are_capped_by_max_size(session: Session) -> None:
    orders = session.live_orders_after["live1"]
    assert orders
    assert all(Decimal(0) < o.initial_count <= MAX_SIZE for o in orders)
    assert max(o.initial_count for o in orders) == MAX_SIZE  # the cap binds: Kelly wants far more


def test_live_orders_buy_the_side_the_model_favours(session: Session) -> None:
    """Buying YES of the cheap player, or NO of the other one (ask side), never the dear side."""
    for o in session.live_orders_after["live1"]:
        event = _event_of(o.ticker)
        cheap = session.day.cheap_side[event]
        want = "bid" if o.ticker == cheap else "ask"
        assert o.side.value == want, (o.ticker, o.side, cheap)


def test_live_second_once_places_no_duplicate(session: Session) -> None:
    first, second = session.live_orders_after["live1"], session.live_orders_after["live2"]
    assert len(second) == len(first), [(o.ticker, o.price, o.initial_count) for o in second]
    assert len({_event_of(o.ticker) for o in second}) == len(second)
    assert all(o.status.value == "resting" for o in second), [(o.ticker, o.status) for o in second]


def test_live_without_confirmation_refuses_and_says_how(session: Session) -> None:
    run = session.runs["refuse"]
    assert run.returncode != 0, run.explain()
    assert "--confirm-live" in run.stdout + run.stderr, run.explain()
    assert session.live_orders_after["dry"] == []


def test_live_log_has_the_lines_a_user_reads(session: Session) -> None:
    log = session.log("live")
    assert re.search(r"scan \d+ start", log), log
    assert re.search(r"\d+ opportunities found", log), log
    assert re.search(rf"{len(session.day.mispriced)} trades placed", log), log
    placed = {o.ticker for o in session.live_orders_after["live1"]}
    logged = {o["ticker"] for o in _logged_orders(log)}
    assert placed == logged
    for lst in session.day.mispriced.values():
        assert any("opportunity:" in ln and lst.a.surname in ln for ln in log.splitlines()), lst.event_ticker
