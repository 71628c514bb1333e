"""How many tournaments the bot prices with the right level and surface: the table, the table plus
inference (what ships) and the inference alone (table removed).

Every tournament edition in the match data since 2015 (Davis/BJK/United/ATP/Laver Cup, NextGen
Finals and qualifying-only events left out) is spelled as Kalshi would spell it ("ATP Bastad",
"US Open Men Singles", "Challenger Tampere", "WTA 125K Modena", "W60 Charlottesville VA"), listed
as a Kalshi event by the simulator's generator, read by the real wire parser and `parse_match`, and
its level and surface compared with the match data. The history table is rebuilt for each season
from the seasons before it (2008 up to the year before), so no edition is judged with its own
results: that is what the shipped table (built through 2023) is to a 2026 event.

    COURTSIDE_DATA=/work/shared/data .venv/bin/python benchmarks/eval_tournaments.py [--list-wrong]

Level is judged at the grain the data knows: ATP 250 and 500 are both 'A' in the match files, a WTA
'P' (Premier) event is a 500 or, for the old Premier 5, a 1000; ITF men are not in the data.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from courtside.data.sources import load_matches
from courtside.data.tournament_history import editions, history_document
from courtside.domain.market import Event, Series
from courtside.domain.tennis import Level, Surface, Tour
from courtside.kalshi.parse import parse_event, parse_series
from courtside.markets.history import TournamentHistory, parse_history
from courtside.markets.inference import SERIES_LEVEL, Fact, Source, TournamentResolver
from courtside.markets.match import Skip, TennisMatch, parse_match
from courtside.markets.tournaments import lookup
from courtside.sim.generator import MatchSpec, match_listing, series_json

FIRST_SEASON = 2015
HISTORY_FROM = 2008
SLAMS = {"australian open": "Australian Open", "roland garros": "French Open", "wimbledon": "Wimbledon"}
SLAMS["us open"] = "US Open"
_CITY_NOISE = re.compile(r"\s+(?:CH|125K?|Masters|\$\d+K)$|^W\d+(?:\+H)?\s+|^ATP\s+|\s+\d$")
_PRIZE = re.compile(r"(?:^W(\d+))|(?:\$(\d+)K$)")


# The quote fields Kalshi sends on every market (kalshi-api.md A.3), here for a book nobody quotes yet.
EMPTY_BOOK = {
    "yes_bid_dollars": "0.0000", "yes_bid_size_fp": "0.00",
    "yes_ask_dollars": "1.0000", "yes_ask_size_fp": "0.00",
    "volume_fp": "0.00", "volume_24h_fp": "0.00", "open_interest_fp": "0.00", "last_price_dollars": "0.0000",
    "price_level_structure": "linear_cent", "result": "",
    "price_ranges": [{"start": "0.0000", "end": "1.0000", "step": "0.0100"}],
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One edition as Kalshi would list it, with the truth from the match data."""

    tour: Tour
    name: str  # as in the match data
    competition: str  # as Kalshi would spell it
    series: str
    day: date
    category: str
    levels: frozenset[Level]
    surface: Surface


def _city(name: str) -> str:
    text = name.strip()
    for _ in range(3):
        text = _CITY_NOISE.sub("", text).strip()
    return text


def _canada(tour: Tour, year: int) -> str:
    """The men play Toronto in even years and Montreal in odd ones, the women the other way round."""
    even = year % 2 == 0
    return "Toronto" if even == (tour is Tour.ATP) else "Montreal"


def spell(tour: Tour, name: str, code: str, category: str, year: int) -> tuple[str, str]:
    """(competition, series) as Kalshi lists them (kalshi-api.md §5.2-5.3)."""
    prefix, series = ("ATP", "KXATPMATCH") if tour is Tour.ATP else ("WTA", "KXWTAMATCH")
    city = _city(name)
    if category == "itf":
        prize = _PRIZE.search(name.strip())
        amount = next(g for g in prize.groups() if g) if prize else code
        return f"W{amount} {city}", "KXITFWMATCH"
    if category == "challenger":
        if tour is Tour.ATP:
            return f"Challenger {city.removeprefix('Challenger ')}", "KXATPCHALLENGERMATCH"
        return f"WTA 125K {city}", "KXWTACHALLENGERMATCH"
    if code == "G":
        slam = SLAMS[city.lower()]
        return f"{slam} {'Men' if tour is Tour.ATP else 'Women'} Singles", series
    if "olympic" in city.lower():
        return f"{prefix} Olympics", series
    if city.endswith("Finals") or (code == "F" and city == "Singapore"):
        return f"{prefix} Finals", series
    if city == "Canada":
        city = _canada(tour, year)
    return f"{prefix} {city.replace('Japan Open Tokyo', 'Tokyo')}", series


def truth_levels(tour: Tour, name: str, code: str, draw: float) -> frozenset[Level]:
    """The levels that agree with the match data's tourney_level for this edition."""
    lower = name.lower()
    if "olympic" in lower:
        return frozenset({Level.OLYMPICS})
    if code == "F" or (code != "C" and "finals" in lower):
        return frozenset({Level.TOUR_FINALS})
    table = {
        "G": {Level.GRAND_SLAM},
        "M": {Level.MASTERS},
        "PM": {Level.MASTERS},
        "A": {Level.TOUR_500, Level.TOUR_250},
        "P": {Level.MASTERS, Level.TOUR_500},
        "I": {Level.TOUR_250},
        "C": {Level.CHALLENGER},
        "W": {Level.MASTERS} if draw >= 48 else {Level.TOUR_500, Level.TOUR_250},
    }
    return frozenset(table.get(code, {Level.ITF} if code.isdigit() else set()))


def cases(ed: pd.DataFrame) -> list[Case]:
    out = []
    for row in ed[ed["year"] >= FIRST_SEASON].itertuples(index=False):
        if "NextGen" in row.name:
            continue
        tour = Tour(row.tour)
        comp, series = spell(tour, row.name, str(row.code), row.category, row.year)
        levels = truth_levels(tour, row.name, str(row.code), float(row.draw_size or 0))
        day = row.date.date() + timedelta(days=2)
        out.append(Case(tour, row.name, comp, series, day, row.category, levels, Surface(row.surface)))
    return out


def histories(ed: pd.DataFrame) -> dict[int, TournamentHistory]:
    """Per season, the history table built from 2008 up to the season before (as of that season)."""
    out = {}
    for year in sorted(set(ed["year"])):
        if year >= FIRST_SEASON:
            before = ed[(ed["year"] >= HISTORY_FROM) & (ed["date"] < pd.Timestamp(year, 1, 1))]
            out[year] = parse_history(history_document(before, {}))
    return out


def listed(case: Case) -> tuple[Event, Series]:
    """The case as a parsed Kalshi event and series (through the real wire parser)."""
    start = datetime.combine(case.day, time(14, 0), UTC)
    rnd = "Round Of 128" if case.competition.endswith("Singles") else "Round of 32"
    spec = MatchSpec("Adam Ash", "Ben Birch", case.tour, case.competition, rnd, start, 0.5, case.series)
    event, markets = match_listing(spec, start - timedelta(days=1), "new")
    quoted = [{**m, **EMPTY_BOOK} for m in markets]
    return parse_event({**event, "markets": quoted}), parse_series(series_json(case.series))


@dataclass
class Verdict:
    priced: bool
    level_ok: bool
    surface_ok: bool
    blended: bool
    level_source: str
    surface_source: str


def _surface_source(fact: Fact) -> str:
    if fact.source is Source.HISTORY:
        return "history-city" if fact.detail.startswith("every") else "history-week"
    return fact.source.value


def judge_match(case: Case, match: TennisMatch) -> Verdict:
    how = match.provenance
    return Verdict(
        True,
        match.level in case.levels,
        match.surface is case.surface,
        match.surface is None,
        how.level.source.value if how else "?",
        _surface_source(how.surface) if how else "?",
    )


def table_only(case: Case) -> Verdict:
    """The code before inference: the table, the series level, and a skip for an unknown tour event."""
    found = lookup(case.competition, case.tour)
    level = SERIES_LEVEL.get(case.series) or (found.level if found else None)
    if level is None or (found is None and case.series not in SERIES_LEVEL):
        return Verdict(False, False, False, False, "skipped", "skipped")
    surface = found.surface if found else None
    src = "table" if found and found.surface else "unknown"
    return Verdict(True, level in case.levels, surface is case.surface, surface is None, "series/table", src)


def run(all_cases: list[Case], judge: Callable[[Case], Verdict]) -> list[tuple[Case, Verdict]]:
    return [(c, judge(c)) for c in all_cases]


def with_resolver(hist: dict[int, TournamentHistory], use_table: bool) -> Callable[[Case], Verdict]:
    resolvers = {y: TournamentResolver(use_table=use_table, history=h) for y, h in hist.items()}

    def judge(case: Case) -> Verdict:
        event, series = listed(case)
        try:
            match = parse_match(event, series, resolvers[case.day.year])
        except Skip:
            return Verdict(False, False, False, False, "skipped", "skipped")
        return judge_match(case, match)

    return judge


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:5.1f}%" if d else "   - "


def summary(label: str, rows: list[tuple[Case, Verdict]]) -> None:
    """Per tour and level: priced, level right, surface right, both right, surface blended, surface wrong."""
    groups: dict[str, list[Verdict]] = defaultdict(list)
    for case, v in rows:
        groups["all"].append(v)
        groups[f"{case.tour.value} {case.category}"].append(v)
    print(f"\n{label}")
    head = ("n", "priced", "level", "surface", "both", "blend", "wrong")
    print(f"  {'editions':<16}" + "".join(f"{h:>8}" for h in head))
    for key in ["all", *sorted(k for k in groups if k != "all")]:
        vs = groups[key]
        n = len(vs)
        counts = (
            sum(v.priced for v in vs),
            sum(v.level_ok for v in vs),
            sum(v.surface_ok for v in vs),
            sum(v.level_ok and v.surface_ok for v in vs),
            sum(v.priced and v.blended for v in vs),
            sum(v.priced and not v.blended and not v.surface_ok for v in vs),
        )
        print(f"  {key:<16}{n:>8}" + "".join(f"{_pct(c, n):>8}" for c in counts))
    names: dict[tuple[str, str], list[tuple[Case, Verdict]]] = defaultdict(list)
    for case, v in rows:
        names[(case.tour.value, case.competition)].append((case, v))
    every = sum(all(v.level_ok and v.surface_ok for _, v in cv) for cv in names.values())
    latest = [max(cv, key=lambda x: x[0].day)[1] for cv in names.values()]
    last_ok = sum(v.level_ok and v.surface_ok for v in latest)
    print(
        f"  distinct competitions {len(names)}: level and surface right on the latest edition "
        f"{_pct(last_ok, len(names))}, on every edition {_pct(every, len(names))}"
    )
    sources = Counter((v.surface_source, v.surface_ok) for _, v in rows if v.priced)
    text = ", ".join(f"{s} {'ok' if ok else 'not'} {n}" for (s, ok), n in sorted(sources.items()))
    print(f"  surface by source: {text}")


def wrong(rows: Iterable[tuple[Case, Verdict]]) -> None:
    seen: Counter[tuple[str, str, str, str, str]] = Counter()
    for c, v in rows:
        if not (v.level_ok and v.surface_ok):
            levels = "/".join(sorted(lv.value for lv in c.levels))
            seen[(c.competition, levels, c.surface.value, v.level_source, v.surface_source)] += 1
    for (comp, levels, surface, ls, ss), n in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"    {n:>3} x {comp!r}: truth {levels} {surface}; level from {ls}, surface from {ss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--list-wrong", action="store_true", help="list the editions priced wrong, by mode")
    args = parser.parse_args()
    data = os.environ.get("COURTSIDE_DATA")
    if not data or not Path(data).is_dir():
        print("COURTSIDE_DATA is not set: skipped")
        return 0
    ed = editions(load_matches(Path(data), years=range(HISTORY_FROM, 2100)))
    all_cases = cases(ed)
    hist = histories(ed)
    modes = [
        ("table alone (before this change: an unknown tour event is skipped)", table_only),
        ("table + inference (what ships)", with_resolver(hist, use_table=True)),
        ("inference alone (table removed)", with_resolver(hist, use_table=False)),
    ]
    print(f"{len(all_cases)} editions {FIRST_SEASON}-{int(ed['year'].max())}; history as of each season")
    for label, judge in modes:
        rows = run(all_cases, judge)
        summary(label, rows)
        if args.list_wrong:
            wrong(rows)
    bare = [c for c in all_cases if c.series == "KXATPCHALLENGERMATCH"]
    bare = [Case(**{**c.__dict__, "competition": c.competition.removeprefix("Challenger ")}) for c in bare]
    summary("ATP Challengers spelled as the rules text does ('Villena'), table + inference",
            run(bare, with_resolver(hist, use_table=True)))  # fmt: skip
    calendar_bands(all_cases, hist)
    return 0


def calendar_bands(all_cases: list[Case], hist: dict[int, TournamentHistory]) -> None:
    """How often the calendar's most likely surface is right, by its share: the CALENDAR_DECIDES evidence."""
    bands: Counter[tuple[str, bool]] = Counter()
    for c in all_cases:
        prior = hist[c.day.year].calendar(c.tour, c.category, c.day.isocalendar().week)
        if prior:
            top, share = next(iter(prior.items()))
            band = next(b for b in ("0.9", "0.8", "0.7", "0.6", "0.5", "0.0") if share >= float(b))
            bands[(band, top is c.surface)] += 1
    print("\ncalendar alone (every edition): the most likely surface of its week and level is right")
    for band in ("0.9", "0.8", "0.7", "0.6", "0.5", "0.0"):
        ok, bad = bands[(band, True)], bands[(band, False)]
        print(f"  share >= {band}: {_pct(ok, ok + bad)} of {ok + bad}")


if __name__ == "__main__":
    sys.exit(main())
