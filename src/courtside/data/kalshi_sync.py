"""Reading Kalshi's settled tennis markets from both tiers, from where the last sync stopped.

Markets settled after the historical cutoff come from `GET /markets?status=settled&series_ticker=…`
(`min_settled_ts` from the watermark, less a day of overlap); older ones only from
`GET /historical/markets?series_ticker=…`, read when the watermark is older than `GET /historical/cutoff`
(kalshi-api.md §2.15, Kalshi's "historical data" page). Events give the title and competition the
match parsing needs (old events stay on /events). Public endpoints: no API key is needed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from courtside.data.history import add_newcomers, assign_seq, identities, merge_ledger, refresh_activity
from courtside.data.ingest import kalshi_table
from courtside.data.kalshi_results import SETTLED_OVERLAP, convert, number_matches, to_frame
from courtside.data.unify import SourceCounts, merge_kalshi
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import NotFoundError, ParseError
from courtside.domain.market import Event, Market, Series
from courtside.domain.tennis import MATCH_WINNER_SERIES
from courtside.kalshi.parse import parse_event, parse_market
from courtside.kalshi.rest import KalshiClient
from courtside.markets.discovery import NOT_SINGLES_WINNER
from courtside.markets.match import SERIES_TOUR
from courtside.store.history import Generation, HistoryStore

log = logging.getLogger("courtside.data")
EVENT_BATCH = 100


@dataclass
class Fetched:
    """Settled markets of the read series, their events, and what was refused on the way."""

    series: dict[str, Series] = field(default_factory=dict)
    markets: list[Market] = field(default_factory=list)
    events: dict[str, Event] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    watermarks: dict[str, str] = field(default_factory=dict)  # series -> newest settlement read (ISO)
    notes: list[str] = field(default_factory=list)
    cutoff: datetime | None = None


async def match_series(
    client: KalshiClient, configured: Sequence[str] = MATCH_WINNER_SERIES
) -> dict[str, Series]:
    """The configured match-winner series plus those the Tennis tag lists, whose tour is known."""
    listed = {s.ticker: s for s in await client.get_series_list(category="Sports", tags=["Tennis"])}
    wanted = {t for t in listed if t.endswith("MATCH") and not NOT_SINGLES_WINNER.search(t)}
    out: dict[str, Series] = {}
    for ticker in sorted(wanted | set(configured)):
        if ticker not in SERIES_TOUR:
            log.info("series %s is tagged Tennis but its tour is not known: not read", ticker)
            continue
        series = listed.get(ticker)
        if series is None:
            try:
                series = await client.get_series(ticker)
            except NotFoundError:
                continue
        out[ticker] = series
    return out


async def fetch_settled(
    client: KalshiClient, series: dict[str, Series], since: dict[str, datetime | None]
) -> Fetched:
    """Every market of the series settled after `since` (per series; None: all), both tiers."""
    out = Fetched(series=series)
    try:
        out.cutoff = (await client.get_historical_cutoff()).market_settled
    except (NotFoundError, ParseError) as e:
        out.notes.append(f"no historical tier ({e}): read the live tier only")
    for ticker in sorted(series):
        start = since.get(ticker)
        params: dict[str, str | int | bool | None] = {
            "series_ticker": ticker,
            "status": "settled",
            "limit": 1000,
        }
        if start is not None:
            params["min_settled_ts"] = int((start - SETTLED_OVERLAP).timestamp())
        await _read(client, "markets", params, out, "live", start)
        if out.cutoff is not None and (start is None or start - SETTLED_OVERLAP < out.cutoff):
            hist: dict[str, str | int | bool | None] = {"series_ticker": ticker, "limit": 1000}
            await _read(client, "historical/markets", hist, out, "historical", start)
        out.watermarks[ticker] = _watermark(out.markets, ticker, start)
    await _events(client, out)
    return out


async def _read(
    client: KalshiClient,
    path: str,
    params: dict[str, str | int | bool | None],
    out: Fetched,
    tier: str,
    start: datetime | None,
) -> None:
    seen = {m.ticker for m in out.markets}
    async for items in client.http.pages(path, params, "markets"):
        for raw in items:
            try:
                market = parse_market(raw)
            except ParseError as e:
                out.rejected[f"malformed market: {e.reason}"] += 1
                continue
            late = (
                market.settled_time is None or start is None or market.settled_time >= start - SETTLED_OVERLAP
            )
            if market.ticker in seen or not late:
                continue
            seen.add(market.ticker)
            out.markets.append(market)
            out.tiers[tier] += 1


def _watermark(markets: list[Market], series: str, start: datetime | None) -> str:
    """The newest settlement read for the series, held back to the oldest half-read pair (one market
    of the event settled, the other not yet), so the next sync reads that pair again."""
    mine = [m for m in markets if m.event_ticker.startswith(series + "-") and m.settled_time is not None]
    if not mine:
        return start.isoformat() if start is not None else ""
    per_event = Counter(m.event_ticker for m in mine)
    newest = max(m.settled_time for m in mine if m.settled_time)
    half = [m.settled_time for m in mine if per_event[m.event_ticker] == 1 and m.settled_time]
    return min([newest, *half]).isoformat()


async def _events(client: KalshiClient, out: Fetched) -> None:
    """The events of the markets read: in batches by ticker, then one by one for any not returned (a
    venue that ignores `tickers` is noticed on the first batch and asked one event at a time)."""
    wanted = sorted({m.event_ticker for m in out.markets})
    batched = True
    for i in range(0, len(wanted), EVENT_BATCH):
        chunk = set(wanted[i : i + EVENT_BATCH])
        if batched:
            batched = await _event_batch(client, chunk, out)
    for ticker in (t for t in wanted if t not in out.events):
        try:
            out.events[ticker] = await client.get_event(ticker, with_nested_markets=False)
        except (NotFoundError, ParseError) as e:
            log.info("event %s not read: %s", ticker, e)


async def _event_batch(client: KalshiClient, chunk: set[str], out: Fetched) -> bool:
    """GET /events?tickers=…; False when the answer shows the venue ignores the filter."""
    params: dict[str, str | int | bool | None] = {"tickers": ",".join(sorted(chunk)), "limit": 200}
    async for items in client.http.pages("events", params, "events"):
        for raw in items:
            try:
                event = parse_event(raw)
            except ParseError as e:
                out.rejected[f"malformed event: {e.reason}"] += 1
                continue
            if event.event_ticker not in chunk:
                return False
            out.events[event.event_ticker] = event
    return True


@dataclass
class KalshiSyncResult:
    """What one Kalshi sync read (per tier), made into results, merged or refused, and where it stopped."""

    env: str
    read: int = 0
    tiers: Counter[str] = field(default_factory=Counter)
    counts: SourceCounts = field(default_factory=SourceCounts)
    newcomers: int = 0
    watermarks: dict[str, str] = field(default_factory=dict)
    cutoff: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "env": self.env,
            "markets_read": self.read,
            "tiers": dict(self.tiers),
            **self.counts.as_dict(),
            "newcomers": self.newcomers,
            "watermarks": self.watermarks,
            "historical_cutoff": self.cutoff,
            "notes": self.notes,
        }


def since_from_state(state: dict[str, object], env: str, series: Sequence[str]) -> dict[str, datetime | None]:
    """Where the last sync of each series from this venue stopped (None: never synced)."""
    kalshi = state.get("kalshi")
    marks = kalshi.get(env, {}) if isinstance(kalshi, dict) else {}
    return {s: (datetime.fromisoformat(marks[s]) if marks.get(s) else None) for s in series}


async def sync_kalshi(
    store: HistoryStore,
    client: KalshiClient,
    env: str,
    *,
    since: datetime | None = None,
    clock: Clock | None = None,
) -> KalshiSyncResult:
    """Read the settled markets since the last sync (or `since`), merge the new results, commit."""
    clock = clock or SystemClock()
    series = await match_series(client)
    marks = since_from_state(store.state(), env, list(series))
    if since is not None:
        marks = dict.fromkeys(series, since)
    fetched = await fetch_settled(client, series, marks)
    converted = convert(fetched.markets, fetched.events, fetched.series, env)
    result = KalshiSyncResult(env, len(fetched.markets), fetched.tiers, notes=fetched.notes)
    result.cutoff = fetched.cutoff.isoformat() if fetched.cutoff else None
    result.counts.rejected.update(fetched.rejected)
    result.counts.rejected.update(converted.rejected)
    result.watermarks = {s: w for s, w in fetched.watermarks.items() if w}
    add_kalshi_rows(store, to_frame(converted.rows), result, clock)
    return result


def add_kalshi_rows(store: HistoryStore, rows: pd.DataFrame, result: KalshiSyncResult, clock: Clock) -> None:
    """New Kalshi results into the store: raw rows by event ticker, the ones no richer row holds as
    matches (newcomers made for unknown players), activity and the watermarks, in one generation."""
    stored = store.read("kalshi")
    fresh = rows[~rows["uid"].isin(stored["uid"])] if stored is not None and not stored.empty else rows
    raw = pd.concat([stored, fresh], ignore_index=True) if stored is not None and not stored.empty else fresh
    raw = number_matches(raw)
    fresh = raw[raw["uid"].isin(fresh["uid"])]
    existing = store.read("matches", ["tour", "tourney_date", "winner_key", "loser_key", "uid"])
    ids = identities(store)
    kept, counts, absorbed = merge_kalshi(existing if existing is not None else pd.DataFrame(), fresh, ids)
    counts.read = len(rows)
    counts.rejected.update(result.counts.rejected)
    result.counts, result.newcomers = counts, len(ids.newcomers)
    with store.commit() as gen:
        seq = int(gen.state.get("seq", 0)) + 1
        ledger = store.read("ledger")
        if not kept.empty:
            row_seq, add = assign_seq(kept, absorbed, ledger, seq)
            old = store.read("matches_kalshi")
            like = store.read("matches") if old is None or old.empty else old
            table = kalshi_table(kept, like if like is not None else kept).assign(seq=row_seq.to_numpy())
            gen.write(
                "matches_kalshi", pd.concat([old, table], ignore_index=True) if old is not None else table
            )
            gen.write("ledger", merge_ledger(ledger, add))
            stored_players = store.read("players")
            players = add_newcomers(
                stored_players if stored_players is not None else ids.newcomer_frame(), ids
            )
            gen.write("players", refresh_activity(players, kept))
            gen.state["seq"] = seq
        gen.write("kalshi", raw)
        marks = dict(gen.state.get("kalshi", {}))
        marks[result.env] = {**marks.get(result.env, {}), **result.watermarks}
        gen.state["kalshi"] = marks
        _log(gen, clock, result.as_dict())


def _log(gen: Generation, clock: Clock, report: dict[str, object]) -> None:
    runs = list(gen.state.get("runs", []))[-29:]
    runs.append({"kind": "kalshi sync", "at": clock.now().isoformat(), **report})
    gen.state["runs"] = runs
