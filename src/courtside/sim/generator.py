"""Realistic Kalshi tennis listings for the simulator: series, match events, player markets, liquidity.

Ticker, title, rules and time conventions follow kalshi-api.md §5.1-5.3 (recorded market
`KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP`, July-2026 ATP capture). The caller gives the matches
(so a demo can use players its model knows) or asks for a seeded random slate. The output is a
bulk bundle for `catalog.apply_bundle` / `SimControl.bulk`.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from courtside.domain.money import CENT, ONE, ZERO
from courtside.domain.tennis import MATCH_WINNER_SERIES, Tour
from courtside.sim import players

Json = dict[str, Any]
MATCH_SERIES = MATCH_WINNER_SERIES
SERIES_TITLES = {
    "KXATPMATCH": "ATP Tennis Match",
    "KXWTAMATCH": "WTA Tennis Match",
    "KXATPCHALLENGERMATCH": "ATP Challenger Tennis Match",
    "KXWTACHALLENGERMATCH": "WTA 125 Tennis Match",
    "KXITFMATCH": "ITF Men's Tennis Match",
    "KXITFWMATCH": "ITF Women's Tennis Match",
    "KXATPDOUBLES": "ATP Doubles Match",
    "KXATPSETWINNER": "ATP Set Winner",
    "KXTTMATCH": "Table Tennis Match",
    "KXPICKLEBALLMATCH": "Pickleball Match",
}
SOURCES = {
    "atp": {"name": "ATP", "url": "https://www.atptour.com/"},
    "wta": {"name": "WTA", "url": "https://www.wtatennis.com/"},
    "itf": {"name": "ITF", "url": "https://www.itftennis.com/"},
}
RULES_PRIMARY = (
    "If {name} wins the {a} vs {b} professional tennis match in the {year} {competition} {round} "
    "after a ball has been played, then the market resolves to Yes."
)
RULES_SECONDARY = (
    "The following market refers to the {a} vs {b} professional tennis match in the {year} {competition} "
    "{round} after a ball has been played. If the match does not occur (signaled by a ball being played) due "
    "to a player injury, walkover, forfeiture, or any other cancellation (all before the match starts), the "
    "market will resolve to a fair price in accordance with the rules. If this match is postponed or "
    "delayed, the market will remain open and close after the rescheduled match has finished "
    "(within two weeks)."
)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
COMPETITOR_NS = uuid.UUID("6c69f42c-5e27-4cfd-a9ea-8eb9fbb0bd12")


@dataclass(frozen=True, slots=True)
class MatchSpec:
    """One match to list: full names, tour, competition (e.g. "ATP Bastad"), round, start, P(A wins)."""

    player_a: str
    player_b: str
    tour: Tour
    competition: str
    round: str
    start: datetime
    fair_prob_a: float
    series: str | None = None  # derived from tour + competition when None
    surname_a: str | None = None  # default: the name without its first word
    surname_b: str | None = None
    title_style: str | None = None  # "old" ("Will X win the A vs B: Round match?") or "new" ("X wins")


@dataclass(frozen=True, slots=True)
class Liquidity:
    """How the market maker quotes each market: levels per side around a noisy fair price."""

    levels: int = 3
    half_spread: Decimal = Decimal("0.02")
    noise: float = 0.01
    size_min: int = 5
    size_max: int = 150


def series_for(spec: MatchSpec) -> str:
    if spec.series:
        return spec.series
    comp = spec.competition
    if (comp[:1] in ("M", "W") and comp[1:3].isdigit()) or comp.startswith("ITF"):
        return "KXITFMATCH" if spec.tour is Tour.ATP else "KXITFWMATCH"
    if "125" in comp and spec.tour is Tour.WTA:
        return "KXWTACHALLENGERMATCH"
    if "Challenger" in comp:
        return "KXATPCHALLENGERMATCH"
    return "KXATPMATCH" if spec.tour is Tour.ATP else "KXWTAMATCH"


def surname(full_name: str, given: str | None) -> str:
    if given:
        return given
    parts = full_name.split()
    return " ".join(parts[1:]) if len(parts) > 1 else full_name


def _letters(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.upper() if ch.isalpha())


def player_codes(surname_a: str, surname_b: str) -> tuple[str, str]:
    """Kalshi-style codes: 3 letters of each surname, longer where they clash, a '2' for the same surname."""
    a, b = _letters(surname_a), _letters(surname_b)
    if a == b:
        code = players.CODE_OVERRIDES.get(a, a[:3])
        return code, code + "2"
    ca, cb = players.CODE_OVERRIDES.get(a, a[:3]), players.CODE_OVERRIDES.get(b, b[:3])
    n = 3
    while ca == cb and n < max(len(a), len(b)):
        n += 1
        ca, cb = a[:n], b[:n]
    return ca, cb


def date_code(when: datetime) -> str:
    return f"{when:%y}{MONTHS[when.month - 1]}{when:%d}"


def competitor_id(full_name: str) -> str:
    """A stable uuid per player name (the `custom_strike.tennis_competitor` field)."""
    return str(uuid.uuid5(COMPETITOR_NS, full_name))


def _rfc(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _source(series: str) -> dict[str, str]:
    return SOURCES["itf" if "ITF" in series else "wta" if "WTA" in series else "atp"]


def series_json(ticker: str, tags: Sequence[str] = ("Tennis",)) -> Json:
    return {
        "ticker": ticker,
        "title": SERIES_TITLES.get(ticker, ticker),
        "category": "Sports",
        "tags": list(tags),
        "fee_type": "quadratic_with_maker_fees",
        "fee_multiplier": 1,
        "exchange_index": 3,
        "settlement_sources": [_source(ticker)],
    }


def match_listing(spec: MatchSpec, now: datetime, style: str) -> tuple[Json, list[Json]]:
    """The event and its two markets (A first) for one match."""
    series = series_for(spec)
    sa, sb = surname(spec.player_a, spec.surname_a), surname(spec.player_b, spec.surname_b)
    ca, cb = player_codes(sa, sb)
    event_ticker = f"{series}-{date_code(spec.start)}{ca}{cb}"
    close = spec.start + timedelta(days=14)
    event = {
        "event_ticker": event_ticker,
        "series_ticker": series,
        "title": f"{sa} vs {sb}",
        "sub_title": f"{sa} vs {sb} ({spec.start:%b %d})",
        "mutually_exclusive": True,
        "collateral_return_type": "MECNET",
        "exchange_index": 3,
        "product_metadata": {"competition": spec.competition, "competition_scope": "Game"},
        "settlement_sources": [_source(series)],
    }
    fields = {"a": sa, "b": sb, "year": spec.start.year, "competition": spec.competition, "round": spec.round}
    markets = []
    for name, code in ((spec.player_a, ca), (spec.player_b, cb)):
        title = f"Will {name} win the {sa} vs {sb}: {spec.round} match?" if style == "old" else f"{name} wins"
        markets.append(
            {
                "ticker": f"{event_ticker}-{code}",
                "event_ticker": event_ticker,
                "title": title,
                "yes_sub_title": name,
                "no_sub_title": name,
                "rules_primary": RULES_PRIMARY.format(name=name, **fields),
                "rules_secondary": RULES_SECONDARY.format(**fields),
                "open_time": _rfc(min(now, spec.start)),
                "close_time": _rfc(close),
                "latest_expiration_time": _rfc(close),
                "expected_expiration_time": _rfc(spec.start),
                "occurrence_datetime": _rfc(spec.start),
                "custom_strike": {"tennis_competitor": competitor_id(name)},
                "exchange_index": 3,
                "status": "active",
                "settlement_timer_seconds": 60,
            }
        )
    return event, markets


def quotes(rng: random.Random, fair: float, liquidity: Liquidity) -> list[tuple[str, Decimal, int]]:
    """(side, YES price, size) levels around a noisy fair price, on the 1-cent grid within [0.01, 0.99]."""
    mid = Decimal(str(round(min(0.98, max(0.02, fair + rng.gauss(0.0, liquidity.noise))), 4)))
    out: list[tuple[str, Decimal, int]] = []
    for i in range(liquidity.levels):
        bid = ((mid - liquidity.half_spread) / CENT).to_integral_value(
            rounding="ROUND_FLOOR"
        ) * CENT - CENT * i
        ask = ((mid + liquidity.half_spread) / CENT).to_integral_value(
            rounding="ROUND_CEILING"
        ) * CENT + CENT * i
        if CENT <= bid < ONE:
            out.append(("bid", bid, rng.randint(liquidity.size_min, liquidity.size_max)))
        if ZERO < ask <= ONE - CENT:
            out.append(("ask", ask, rng.randint(liquidity.size_min, liquidity.size_max)))
    return out


def build_bundle(
    matches: Sequence[MatchSpec],
    maker_user_id: str | None,
    now: datetime,
    *,
    seed: int = 0,
    liquidity: Liquidity | None = None,
    distractors: int = 0,
) -> Json:
    """Series (all six plus distractors), one event and two markets per match, and maker orders."""
    rng = random.Random(seed)
    liquidity = liquidity or Liquidity()
    bundle: Json = {
        "series": [series_json(s) for s in MATCH_SERIES],
        "events": [],
        "markets": [],
        "orders": [],
    }
    seen: set[str] = set()
    for spec in matches:
        event, markets = match_listing(spec, now, spec.title_style or rng.choice(("old", "new")))
        if event["event_ticker"] in seen:
            continue
        seen.add(event["event_ticker"])
        bundle["events"].append(event)
        bundle["markets"].extend(markets)
        for market, fair in zip(markets, (spec.fair_prob_a, 1 - spec.fair_prob_a), strict=True):
            bundle["orders"].extend(_maker_orders(rng, market["ticker"], fair, liquidity, maker_user_id))
    players.add_distractors(bundle, rng, now, distractors)
    return bundle


def _maker_orders(
    rng: random.Random, ticker: str, fair: float, liquidity: Liquidity, maker_user_id: str | None
) -> list[Json]:
    if maker_user_id is None:
        return []
    return [
        {
            "user_id": maker_user_id,
            "ticker": ticker,
            "side": side,
            "price": str(price),
            "count": str(size),
            "time_in_force": "good_till_canceled",
            "self_trade_prevention_type": "maker",
        }
        for side, price, size in quotes(rng, fair, liquidity)
    ]


def random_matches(count: int, now: datetime, *, seed: int = 0) -> list[MatchSpec]:
    """A seeded slate across the six series, starting 1 h to 3 days ahead, with tricky names mixed in."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        series = MATCH_SERIES[i % len(MATCH_SERIES)]
        tour = Tour.WTA if "WTA" in series or series == "KXITFWMATCH" else Tour.ATP
        a, b = rng.sample(players.pool(tour), 2)
        competition, rounds = players.competition(series, rng)
        start = (now + timedelta(hours=rng.randint(1, 72))).replace(
            minute=rng.choice((0, 30)), second=0, microsecond=0
        )
        out.append(
            MatchSpec(
                a,
                b,
                tour,
                competition,
                rng.choice(rounds),
                start,
                round(rng.uniform(0.15, 0.85), 3),
                series=series,
            )
        )
    return out
