"""Join tennis-data.co.uk odds rows to the Sackmann matches they describe.

An odds row has a play date and two 'Surname I.' names; a Sackmann match has the event's Monday and two
ids. A row joins when both names resolve (preferring players of that tour who played within the event
window) and that pair met in an event whose week covers the date; the round breaks ties.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from courtside.data.names import compact, initials_match, parse_name, tokens
from courtside.data.registry import PlayerRegistry, Resolution

WINDOW_BEFORE = timedelta(days=7)  # odds date may precede the Sackmann Monday (events starting Sat/Sun)
WINDOW_AFTER = timedelta(days=20)  # two-week slams plus rain delays
_NAMED_ROUNDS = {"The Final": "F", "Semifinals": "SF", "Quarterfinals": "QF", "Round Robin": "RR"}
# tennis-data covers tour-level main draws only: team events, qualifying, Challengers and ITF cannot match
ODDS_LEVELS = frozenset({"grand_slam", "masters", "tour_500", "tour_250", "tour_finals", "olympics"})
JOIN_COLUMNS = (
    "tourney_id",
    "match_num",
    "match_round",
    "winner_key",
    "loser_key",
    "join_status",
    "join_reason",
)


class _Played(NamedTuple):
    day: date
    tourney_id: str
    match_num: int
    round: str
    winner: str
    loser: str


@dataclass
class _MatchIndex:
    """The matches of one tour, by pair and by player, plus who played in which week."""

    by_pair: dict[tuple[str, str], list[_Played]] = field(default_factory=lambda: defaultdict(list))
    by_player: dict[str, list[_Played]] = field(default_factory=lambda: defaultdict(list))
    week_days: list[date] = field(default_factory=list)
    week_keys: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)
    player_days: dict[str, list[date] | None] = field(default_factory=dict)

    def add(self, m: _Played, winner_name: str, loser_name: str) -> None:
        self.by_pair[(m.winner, m.loser)].append(m)
        self.by_player[m.winner].append(m)
        self.by_player[m.loser].append(m)
        self.week_keys[m.day].update((m.winner, m.loser))
        self.names.setdefault(m.winner, winner_name)
        self.names.setdefault(m.loser, loser_name)

    def finish(self) -> None:
        self.week_days = sorted(self.week_keys)
        for key, found in self.by_player.items():
            days = [m.day for m in found]
            in_order = all(a <= b for a, b in itertools.pairwise(days))
            self.player_days[key] = days if in_order else None

    def matches_of(self, key: str, day: date) -> list[_Played]:
        """The player's matches whose event window holds the day, in the order they were added (found by
        bisection when they were added in date order, as the history's are)."""
        found = self.by_player.get(key, [])
        days = self.player_days.get(key)
        if days is None:
            return [m for m in found if _in_window(m, day)]
        lo = bisect.bisect_left(days, day - WINDOW_AFTER)
        return found[lo : bisect.bisect_right(days, day + WINDOW_BEFORE)]

    def players_around(self, day: date) -> frozenset[str]:
        lo = bisect.bisect_left(self.week_days, day - WINDOW_AFTER)
        hi = bisect.bisect_right(self.week_days, day + WINDOW_BEFORE)
        out: set[str] = set()
        for d in self.week_days[lo:hi]:
            out |= self.week_keys[d]
        return frozenset(out)


def _in_window(m: _Played, day: date) -> bool:
    return m.day - WINDOW_BEFORE <= day <= m.day + WINDOW_AFTER


_NAMES = ("winner_name", "loser_name")


def _build_index(matches: pd.DataFrame) -> dict[str, _MatchIndex]:
    out: dict[str, _MatchIndex] = defaultdict(_MatchIndex)
    cols = ["tour", "tourney_date", "tourney_id", "match_num", "round", "winner_key", "loser_key"]
    days = matches["tourney_date"].dt.date.tolist()
    names = [matches[c].tolist() if c in matches.columns else [""] * len(matches) for c in _NAMES]
    rows = zip(*(matches[c].tolist() for c in cols[2:]), *names, strict=True)
    for tour, day, (tid, num, rnd, wk, lk, wn, ln) in zip(matches["tour"].tolist(), days, rows, strict=True):
        out[tour].add(_Played(day, str(tid), int(num), str(rnd), wk, lk), str(wn), str(ln))
    for index in out.values():
        index.finish()
    return out


def _pick(found: list[_Played], day: date, round_name: str) -> _Played | None:
    """The nearest event containing the date; the round decides between two meetings."""
    near = [m for m in found if _in_window(m, day)]
    if len(near) > 1 and round_name in _NAMED_ROUNDS:
        same_round = [m for m in near if m.round == _NAMED_ROUNDS[round_name]]
        near = same_round or near
    if not near:
        return None
    return min(near, key=lambda m: abs((day - m.day).days - 3))


class _Joiner:
    """Resolves names (cached by tour, name and week) and finds the Sackmann match of each odds row."""

    def __init__(self, index: dict[str, _MatchIndex], registry: PlayerRegistry) -> None:
        self.index = index
        self.registry = registry
        self._cache: dict[tuple[str, str, date], Resolution] = {}

    def resolve(self, tour: str, name: str, day: date) -> Resolution:
        week = day - timedelta(days=day.weekday())
        key = (tour, name, week)
        if key not in self._cache:
            hint = self.index[tour].players_around(week) if tour in self.index else frozenset()
            self._cache[key] = self.registry.resolve(name, tour, active_on=day, candidates_hint=hint)
        return self._cache[key]

    def join_row(
        self, tour: str, day: date, winner: str, loser: str, round_name: str
    ) -> tuple[_Played | None, str]:
        index = self.index.get(tour)
        if index is None:
            return None, f"no {tour} matches loaded"
        w, lo = self.resolve(tour, winner, day), self.resolve(tour, loser, day)
        if w.player is not None and lo.player is not None:
            m = _pick(index.by_pair.get((w.player.key, lo.player.key), []), day, round_name)
            if m is not None:
                return m, "pair"
            m = _pick(index.by_pair.get((lo.player.key, w.player.key), []), day, round_name)
            if m is not None:
                return m, "pair (winner and loser swapped in the odds file)"
        for anchor, other, as_winner in ((w, loser, True), (lo, winner, False)):
            if anchor.player is not None:
                m = self._anchored(index, anchor.player.key, other, day, round_name, as_winner=as_winner)
                if m is not None:
                    return m, "anchored on one player, the other by name"
        return None, _why_not(w, lo)

    def _anchored(
        self, index: _MatchIndex, key: str, other: str, day: date, round_name: str, *, as_winner: bool
    ) -> _Played | None:
        """A match of `key` in the window whose opponent looks like `other` (name, else initials)."""
        parsed = parse_name(other)
        target = "".join(parsed.surname or parsed.tokens)
        by_name, by_initials = [], []
        for m in index.matches_of(key, day):
            if (m.winner == key) != as_winner:
                continue
            opp_name = index.names.get(m.loser if as_winner else m.winner, "")
            folded = compact(opp_name)
            if target and (target in folded or difflib.SequenceMatcher(None, target, folded).ratio() >= 0.6):
                by_name.append(m)
            elif parsed.initials and initials_match(parsed.initials, tokens(opp_name)[:1]):
                by_initials.append(m)
        if by_name:
            return _pick(by_name, day, round_name)
        distinct = {(m.tourney_id, m.round) for m in by_initials}
        return _pick(by_initials, day, round_name) if len(distinct) == 1 else None


def _why_not(w: Resolution, lo: Resolution) -> str:
    if w.player is None and lo.player is None:
        return f"neither name resolved (winner {w.status}, loser {lo.status})"
    if w.player is None:
        return f"winner {w.status}: {w.reason}"
    if lo.player is None:
        return f"loser {lo.status}: {lo.reason}"
    return "players resolved but no match between them in the event window"


def join_odds(matches: pd.DataFrame, odds: pd.DataFrame, registry: PlayerRegistry) -> pd.DataFrame:
    """The odds rows with tourney_id, match_num, winner_key, loser_key of their Sackmann match (or NaN)."""
    if "level" in matches.columns:
        matches = matches[matches["level"].isin(ODDS_LEVELS)]
    joiner = _Joiner(_build_index(matches), registry)
    found: list[tuple[object, ...]] = []
    days = odds["date"].dt.date.tolist()
    tours, winners, losers = (odds[c].tolist() for c in ("tour", "winner", "loser"))
    cols = zip(tours, days, winners, losers, odds["round"].fillna("").tolist(), strict=True)
    for tour, day, winner, loser, rnd in cols:
        m, why = joiner.join_row(str(tour), day, str(winner), str(loser), str(rnd))
        if m is None:
            found.append((None, np.nan, None, None, None, "unmatched", why))
        else:
            found.append((m.tourney_id, m.match_num, m.round, m.winner, m.loser, "joined", why))
    extra = pd.DataFrame(found, columns=list(JOIN_COLUMNS), index=odds.index)
    extra["match_num"] = extra["match_num"].astype("Int64")
    return pd.concat([odds.drop(columns=[c for c in JOIN_COLUMNS if c in odds.columns]), extra], axis=1)


@dataclass(frozen=True)
class JoinReport:
    """How many odds rows found their match, and why the others did not."""

    rows: int
    joined: int
    reasons: Counter[str]

    @property
    def rate(self) -> float:
        return self.joined / self.rows if self.rows else 0.0


def join_report(joined: pd.DataFrame, *, completed_only: bool = True) -> JoinReport:
    """The join rate over the (completed) odds rows, with the reasons for the rest."""
    rows = joined[joined["comment"] == "Completed"] if completed_only else joined
    ok = rows["join_status"] == "joined"
    reasons = Counter(str(r) for r in rows.loc[~ok, "join_reason"])
    return JoinReport(len(rows), int(ok.sum()), reasons)
