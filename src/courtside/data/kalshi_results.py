"""Kalshi's settled match-winner markets as results: a pair settled yes/no is one played match.

Players, tournament, level, round and start come from `markets.match.describe_match`, the parsing the
trader applies to open markets, so a result names its players exactly as the market the trader saw.
A `scalar` settlement (a walkover or no ball played, resolved at a fair price) is not a result; nor is
an event whose two markets do not settle one yes and one no. Kalshi gives no score: the rating update
uses no margin of victory for these rows, and retirements after a ball was played settle yes/no like
any finished match (kalshi-api.md §5.3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from courtside.data.names import compact
from courtside.data.sources import ROUND_ORDER
from courtside.domain.errors import DataError
from courtside.domain.market import Event, Market, Series
from courtside.markets.match import Skip, describe_match

SOURCE = "kalshi"
RAW_COLUMNS = (
    "tour", "source", "file", "tourney_id", "tourney_name", "surface", "level", "tourney_date", "match_num",
    "round", "round_order", "best_of", "winner_name", "loser_name", "winner_surname", "loser_surname",
    "winner_competitor", "loser_competitor", "outcome", "day", "event_ticker", "settled_time", "uid",
)  # fmt: skip


@dataclass
class Converted:
    """Result rows made from settled events, and the events refused, by reason."""

    rows: list[dict[str, object]] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)


def _monday(when: datetime) -> pd.Timestamp:
    day = pd.Timestamp(when.date())
    return day - pd.Timedelta(days=day.weekday())


def _row(event: Event, series: Series, winner: Market, env: str) -> dict[str, object]:
    match = describe_match(event, series)
    won, lost = (match.a, match.b) if winner.ticker == match.a.market.ticker else (match.b, match.a)
    monday = _monday(match.start)
    settled = max((m.settled_time for m in event.markets if m.settled_time), default=None)
    return {
        "tour": match.tour.value,
        "source": SOURCE,
        "file": env,
        "tourney_id": f"k-{compact(match.tournament)[:40]}-{monday:%Y%m%d}",
        "tourney_name": match.tournament,
        "surface": match.surface.value if match.surface else None,
        "level": match.level.value,
        "tourney_date": monday,
        "match_num": 0,
        "round": match.round,
        "round_order": ROUND_ORDER.get(match.round or "", 0),
        "best_of": match.best_of,
        "winner_name": won.name,
        "loser_name": lost.name,
        "winner_surname": won.surname,
        "loser_surname": lost.surname,
        "winner_competitor": won.competitor_id,
        "loser_competitor": lost.competitor_id,
        "outcome": "completed",
        "day": pd.Timestamp(match.start.date()),
        "event_ticker": event.event_ticker,
        "settled_time": settled,
    }


def winner_of(markets: tuple[Market, ...]) -> Market | str:
    """The market that settled yes, or the reason the pair is not a result."""
    results = sorted(m.result for m in markets)
    if len(markets) != 2:
        return f"{len(markets)} settled markets, a match has 2"
    if "scalar" in results:
        return "scalar settlement (walkover or no ball played): not a result"
    if results != ["no", "yes"]:
        return f"markets settled {'/'.join(results) or 'without a result'}, not one yes and one no"
    return next(m for m in markets if m.result == "yes")


def convert(
    markets: Iterable[Market], events: Mapping[str, Event], series: Mapping[str, Series], env: str
) -> Converted:
    """Rows from settled markets grouped by event (the event gives title and competition)."""
    out = Converted()
    by_event: dict[str, dict[str, Market]] = {}
    for market in markets:
        by_event.setdefault(market.event_ticker, {})[market.ticker] = market
    for ticker, found in sorted(by_event.items()):
        event = events.get(ticker)
        if event is None:
            out.rejected["event not found (title and competition unknown)"] += 1
            continue
        pair = tuple(found.values())
        winner = winner_of(pair)
        if isinstance(winner, str):
            out.rejected[winner] += 1
            continue
        whole = Event(
            event.event_ticker, event.series_ticker, event.title, event.sub_title, event.competition,
            event.mutually_exclusive, pair, event.fees_override, event.exchange_index,
        )  # fmt: skip
        try:
            out.rows.append(_row(whole, series[event.series_ticker], winner, env))
        except Skip as e:
            out.rejected[_generic(e.reason, ticker)] += 1
        except DataError as e:
            out.rejected[f"unreadable event: {e}"] += 1
    return out


def _generic(reason: str, ticker: str) -> str:
    """A skip reason without the ticker, so the report counts alike reasons together."""
    return reason.replace(f"{ticker}: ", "").replace(ticker, "<event>")


def to_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as the raw results table, each with its uid (from the event ticker)."""
    frame = pd.DataFrame(rows, columns=[c for c in RAW_COLUMNS if c != "uid"])
    frame["tourney_date"] = pd.to_datetime(frame["tourney_date"])
    frame["day"] = pd.to_datetime(frame["day"])
    frame["settled_time"] = pd.to_datetime(frame["settled_time"], utc=True)
    text = "kalshi|" + frame["event_ticker"].astype(str)
    frame["uid"] = pd.util.hash_pandas_object(text, index=False).to_numpy().view("int64")
    return frame


def number_matches(raw: pd.DataFrame) -> pd.DataFrame:
    """Play order within each event week: by round, then by start day and ticker."""
    out = raw.sort_values(
        ["tourney_date", "tourney_id", "round_order", "day", "event_ticker"], ignore_index=True
    )
    out["match_num"] = out.groupby(["tourney_id"]).cumcount().astype("int64") + 1
    return out


SETTLED_OVERLAP = timedelta(days=1)  # re-read this much before the watermark: a late-settled pair is kept
