"""One match, once: the results of every source in one table, the richest source winning.

Sackmann > tennis-data > Kalshi. A tennis-data row is first looked for among the Sackmann matches of
its tour: by both players' surname and first initial within the event window (vectorised), then, for
the few left, by the odds join's name resolution (`join.join_odds`). A row that finds its match is a
duplicate: the Sackmann row stays and takes the row's closing odds and play date. A row dated where
Sackmann covers the tour but matching nothing is refused with the join's reason (a twin of a match
we have is worse than a gap). A row past Sackmann's coverage is a new match, its players resolved
or made newcomers (`identity`). A Kalshi result is a duplicate when a richer row has the same two
players within the event window. Every row has a `uid` (source and natural key); a merged row keeps
the uids it absorbed, so a store can tell a match it already had from a new one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd

from courtside.data.frames import in_order
from courtside.data.identity import Identities, resolve_sides
from courtside.data.join import ODDS_LEVELS, WINDOW_AFTER, WINDOW_BEFORE, join_odds
from courtside.data.names import fold, parse_name
from courtside.data.odds import ODDS_COLUMNS
from courtside.data.registry import PlayerRegistry
from courtside.data.sources import MATCH_COLUMNS
from courtside.data.tennisdata import SOURCE as TENNIS_DATA

SACKMANN = "sackmann"
KALSHI = "kalshi"
EXTRA_COLUMNS = ("day", "td_comment", *ODDS_COLUMNS, "uid")
RESULT_COLUMNS = (*MATCH_COLUMNS, *EXTRA_COLUMNS)
ORDER = ["tourney_date", "tourney_id", "round_order", "match_num"]
# what the joins read of the Sackmann tour-level rows
JOIN_NEEDS = (
    "tour", "tourney_date", "tourney_id", "match_num", "round", "level",
    "winner_key", "loser_key", "winner_name", "loser_name",
)  # fmt: skip


@dataclass
class SourceCounts:
    """What one source brought: rows read, new matches, duplicates merged, rows rejected (why)."""

    read: int = 0
    new: int = 0
    merged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {"read": self.read, "new": self.new, "merged": self.merged, "rejected": dict(self.rejected)}


@dataclass
class Merged:
    """The merged table, what each source brought, and which uids each kept row absorbed."""

    matches: pd.DataFrame
    counts: dict[str, SourceCounts]
    absorbed: dict[int, list[int]] = field(default_factory=dict)  # kept uid -> absorbed uids


def uids(source: str, frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A stable 64-bit id per row from the source name and its natural key columns: the value of
    `pd.util.hash_pandas_object(frame[columns].astype(str).assign(_source=source), index=False)`, which
    is what every stored uid is, with each column hashed once per distinct value."""
    parts = [_hashes(frame[c]) for c in columns]
    parts.append(np.full(len(frame), _hashes(pd.Series([source]))[0], dtype=np.uint64))
    out = np.full(len(frame), 0x345678, dtype=np.uint64)  # pandas' row hash: CPython's tuple hash
    mult = np.uint64(1000003)
    for i, part in enumerate(parts):
        out ^= part
        out *= mult
        mult += np.uint64(82520 + 2 * (len(parts) - i))
    out += np.uint64(97531)
    return pd.Series(out.view(np.int64), index=frame.index)


def _hashes(column: pd.Series) -> np.ndarray:
    """pandas' hash of each value of the column as text."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    text = pd.Series(distinct, dtype=column.dtype).astype(str)
    return pd.util.hash_pandas_object(text, index=False).to_numpy().take(codes)


def sackmann_uids(frame: pd.DataFrame) -> pd.Series:
    return uids(SACKMANN, frame, ["tour", "tourney_id", "round", "match_num"])


def tennisdata_uids(frame: pd.DataFrame) -> pd.Series:
    return uids(TENNIS_DATA, frame, ["tour", "day", "winner_name", "loser_name", "round"])


def _short(name: str) -> str:
    """Surname and first initial, the form both 'Galan D.E.' and 'Daniel Elahi Galan' reduce to."""
    parsed = parse_name(name)
    if parsed.initials and parsed.surname:
        return "".join(parsed.surname) + "|" + parsed.initials[0][:1]
    words = parsed.tokens
    return "".join(words[1:]) + "|" + words[0][:1] if len(words) > 1 else ""


def _sackmann_short(players: pd.DataFrame, keys: pd.Index) -> dict[str, str]:
    """Surname and first initial of the given players (those of the tour-level matches)."""
    some = players[players["key"].isin(keys)]
    lasts = some["name_last"].fillna("").astype(str).tolist()
    firsts = some["name_first"].fillna("").astype(str).tolist()
    return {
        k: fold(last).replace(" ", "") + "|" + fold(first)[:1]
        for k, last, first in zip(some["key"].tolist(), lasts, firsts, strict=True)
    }


def coverage(sackmann: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Per tour, the days Sackmann's tour-level files cover (first Monday - 7 days, last + 20)."""
    tour_level = sackmann.loc[sackmann["level"].isin(ODDS_LEVELS), ["tour", "tourney_date"]]
    out: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for tour, part in tour_level.groupby("tour"):
        out[str(tour)] = (
            part["tourney_date"].min() - WINDOW_BEFORE,
            part["tourney_date"].max() + WINDOW_AFTER,
        )
    return out


def _covered(td: pd.DataFrame, cover: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> pd.Series:
    mask = pd.Series(False, index=td.index)
    for tour, (lo, hi) in cover.items():
        mask |= (td["tour"] == tour) & (td["day"] >= lo) & (td["day"] <= hi)
    return mask


def _pair_frame(
    tour: pd.Series, w: pd.Series, lo: pd.Series, when: pd.Series, index: pd.Index, name: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tour": tour.to_numpy(),
            "w": w.to_numpy(),
            "l": lo.to_numpy(),
            name: when.to_numpy(),
            "i": index.to_numpy(),
        }
    )


def _best_pairs(probe: pd.DataFrame, sk: pd.DataFrame, *, contained: bool = False) -> pd.Series:
    """td index -> Sackmann index where exactly one meeting fits best (the latest event started)."""
    probe = probe[(probe["w"] != "") & (probe["l"] != "")]
    if probe.empty or sk.empty:
        return pd.Series(np.zeros(0, dtype="int64"), index=np.zeros(0, dtype="int64"))
    pairs = probe.merge(sk.rename(columns={"i": "sk_index"}), on=["tour", "w", "l"], how="inner")
    fits = (pairs["day"] >= pairs["tdate"] - WINDOW_BEFORE) & (pairs["day"] <= pairs["tdate"] + WINDOW_AFTER)
    if contained:
        inside = [
            bool(a) and bool(b) and (a in b or b in a)
            for a, b in zip(pairs["other"].tolist(), pairs["other_sk"].tolist(), strict=True)
        ]
        fits &= np.array(inside, dtype=bool)
    pairs = pairs[fits].copy()
    # two meetings in the window (Madrid then Rome): the event that had started most recently
    lag = (pairs["day"] - pairs["tdate"]).dt.days
    pairs["score"] = lag.where(lag >= 0, 100 - lag)
    pairs = pairs[pairs["score"] == pairs.groupby("i")["score"].transform("min")]
    pairs = pairs[pairs.groupby("i")["sk_index"].transform("size") == 1]
    pairs = pairs[pairs.groupby("sk_index")["i"].transform("size") == 1]
    return pd.Series(pairs["sk_index"].to_numpy(), index=pairs["i"].to_numpy())


def fast_join(td: pd.DataFrame, tour_level: pd.DataFrame, players: pd.DataFrame) -> pd.Series:
    """Index of the Sackmann row each tennis-data row describes, within the event window: by both
    players' surname and first initial, then by surnames alone, then anchored on one player with the
    other's initial and one surname containing the other (married and double names: 'Zahlavova
    Strycova B.' for Barbora Strycova); NaN where none or several fit (left to the slower join)."""
    keys = pd.Index(pd.concat([tour_level["winner_key"], tour_level["loser_key"]]))
    short = _sackmann_short(players, keys)
    names = pd.unique(pd.concat([td["winner_name"], td["loser_name"]]).astype(str))
    table = {n: _short(n) for n in names}
    sk = {
        "w": tour_level["winner_key"].map(short).fillna("|"),
        "l": tour_level["loser_key"].map(short).fillna("|"),
    }
    mine = {"w": td["winner_name"].astype(str).map(table), "l": td["loser_name"].astype(str).map(table)}
    found = pd.Series(np.nan, index=td.index, dtype=object)
    passes: list[tuple[Callable[[pd.Series], pd.Series], Callable[[pd.Series], pd.Series], str | None]] = [
        (_same, _same, None),
        (_surname, _surname, None),
        (_same, _initial, "l"),
        (_initial, _same, "w"),
    ]
    parts = _SplitCache(sk)
    for wf, lf, contains in passes:
        todo = found.isna()
        probe = _pair_frame(
            td.loc[todo, "tour"],
            wf(mine["w"][todo]),
            lf(mine["l"][todo]),
            td.loc[todo, "day"],
            td.index[todo],
            "day",
        )
        probe["other"] = _surname(mine[contains][todo]).to_numpy() if contains else ""
        # only the meetings that can fit: the winner's name as this pass reads it, inside the window
        near = parts.get(wf, "w").isin(probe["w"].unique())
        near &= _near_days(tour_level["tourney_date"], probe["day"])
        skf = _pair_frame(
            tour_level.loc[near, "tour"],
            parts.get(wf, "w")[near],
            parts.get(lf, "l")[near],
            tour_level.loc[near, "tourney_date"],
            tour_level.index[near],
            "tdate",
        )
        skf["other_sk"] = parts.get(_surname, contains)[near].to_numpy() if contains else ""
        hit = _best_pairs(probe, skf, contained=contains is not None)
        hit = hit[~hit.isin(set(found.dropna().astype("int64")))]
        found.loc[hit.index] = hit.to_numpy()
    return found


class _SplitCache:
    """The Sackmann side's 'surname|initial' strings, and each half, split once per side."""

    def __init__(self, sides: dict[str, pd.Series]) -> None:
        self.sides = sides
        self.done: dict[tuple[str, str], pd.Series] = {}

    def get(self, fn: Callable[[pd.Series], pd.Series], side: str) -> pd.Series:
        key = (fn.__name__, side)
        if key not in self.done:
            self.done[key] = fn(self.sides[side])
        return self.done[key]


def _near_days(event_days: pd.Series, days: pd.Series) -> pd.Series:
    """Events whose window can hold one of the days (a superset: each pair is checked again)."""
    if days.empty:
        return pd.Series(False, index=event_days.index)
    first, last = days.min() - WINDOW_AFTER, days.max() + WINDOW_BEFORE
    return event_days.between(first, last)


def _same(x: pd.Series) -> pd.Series:
    return x


def _surname(x: pd.Series) -> pd.Series:
    return _part(x, 0)


def _initial(x: pd.Series) -> pd.Series:
    return _part(x, 1)


def _part(x: pd.Series, i: int) -> pd.Series:
    """One half of 'surname|initial' strings, split once per distinct value."""
    table = {v: v.split("|")[i] if "|" in v else "" for v in pd.unique(x.astype(str))}
    return x.astype(str).map(table)


def slow_join(
    td: pd.DataFrame, tour_level: pd.DataFrame, players: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """The odds join's name resolution for the rows the fast join left: (Sackmann index, reason).
    Its match index holds only the matches of a player whose surname one of these rows names (one
    side of a row usually matches exactly; the join anchors on it), which keeps it small."""
    keys = pd.concat([tour_level["winner_key"], tour_level["loser_key"]]).unique()
    registry = PlayerRegistry.from_frames(players[players["key"].isin(keys)], tour_level)
    tour_level = _sharing_a_surname(td, tour_level, players)
    days = np.asarray(pd.to_datetime(td["day"]).dt.normalize().unique())
    offsets = np.arange(-WINDOW_AFTER.days, WINDOW_BEFORE.days + 1).astype("timedelta64[D]")
    near = np.unique((days[:, None] + offsets[None, :]).ravel())
    tour_level = tour_level[tour_level["tourney_date"].isin(near)]
    odds = pd.DataFrame(
        {
            "tour": td["tour"],
            "date": td["day"],
            "winner": td["winner_name"].astype(str),
            "loser": td["loser_name"].astype(str),
            "round": "",
        }
    )
    joined = join_odds(tour_level, odds, registry)
    position = pd.Series(
        tour_level.index,
        index=list(zip(*(tour_level[c].tolist() for c in ("tour", "tourney_id", "match_num")), strict=True)),
    )
    position = position[~position.index.duplicated()]
    found = joined["join_status"] == "joined"
    at = [
        position.get((t, tid, int(num))) if ok else None
        for t, tid, num, ok in zip(
            joined["tour"], joined["tourney_id"], joined["match_num"].fillna(-1), found, strict=True
        )
    ]
    return pd.Series(at, index=td.index, dtype=object), joined["join_reason"]


def with_extra_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the columns other sources add (play day, tennis-data comment, odds), typed."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's columns are copied only if written to
    if "day" not in out.columns:
        out["day"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if "td_comment" not in out.columns:
        out["td_comment"] = pd.Series(None, index=out.index, dtype=object)
    for col in ODDS_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan
    return out


def _sharing_a_surname(td: pd.DataFrame, tour_level: pd.DataFrame, players: pd.DataFrame) -> pd.DataFrame:
    wanted = {_short(str(n)).split("|")[0] for n in pd.concat([td["winner_name"], td["loser_name"]]).unique()}
    short = _sackmann_short(players, pd.Index(pd.concat([tour_level["winner_key"], tour_level["loser_key"]])))
    surname = {k: v.split("|")[0] for k, v in short.items()}
    named = tour_level["winner_key"].map(surname).isin(wanted) | tour_level["loser_key"].map(surname).isin(
        wanted
    )
    return tour_level[named]


def merge_tennisdata(
    sackmann: pd.DataFrame, players: pd.DataFrame, td: pd.DataFrame, ids: Identities
) -> Merged:
    """Sackmann rows with the odds of their tennis-data twins, plus the tennis-data rows past Sackmann."""
    counts = SourceCounts(read=len(td))
    base = with_extra_columns(sackmann)
    base["uid"] = sackmann_uids(base)
    if td.empty:
        return Merged(base, {SACKMANN: SourceCounts(len(base), len(base)), TENNIS_DATA: counts})
    td = td.copy()
    td["uid"] = tennisdata_uids(td)
    inside = _covered(td, coverage(sackmann))
    covered = td[inside]
    tour_level = sackmann.loc[sackmann["level"].isin(ODDS_LEVELS), [c for c in JOIN_NEEDS if c in sackmann]]
    at = fast_join(covered, tour_level, players)
    rest = covered[at.isna()]
    if not rest.empty:
        slow, why = slow_join(rest, tour_level, players)
        at = at.astype(object)
        at.loc[rest.index] = slow
        reasons = why[slow.isna()]
        for reason in reasons:
            counts.rejected[f"no Sackmann match in a week Sackmann covers: {reason}"] += 1
    joined = covered[at.notna()]
    sk_rows = at[at.notna()].astype("int64")
    absorbed: dict[int, list[int]] = {}
    if not joined.empty:
        target = sk_rows.to_numpy()
        base.loc[target, "day"] = pd.to_datetime(joined["day"]).to_numpy()
        base.loc[target, "td_comment"] = joined["td_comment"].astype(object).to_numpy()
        for col in ODDS_COLUMNS:
            base.loc[target, col] = pd.to_numeric(joined[col], errors="coerce").to_numpy(dtype=float)
        for keep, gone in zip(base.loc[target, "uid"].tolist(), joined["uid"].tolist(), strict=True):
            absorbed.setdefault(int(keep), []).append(int(gone))
    counts.merged = len(joined)
    new = _new_tennisdata(td[~inside], ids, players, counts)
    out = pd.concat([base, new], ignore_index=True) if not new.empty else base
    out = in_order(out, ORDER)
    return Merged(out, {SACKMANN: SourceCounts(len(base), len(base)), TENNIS_DATA: counts}, absorbed)


def _new_tennisdata(
    td: pd.DataFrame, ids: Identities, players: pd.DataFrame, counts: SourceCounts
) -> pd.DataFrame:
    if td.empty:
        return td
    rows, rejected = resolve_sides(td.sort_values("day", kind="mergesort"), ids, TENNIS_DATA)
    counts.rejected.update(rejected)
    rows = fill_player_facts(rows, players)
    counts.new = len(rows)
    return rows


def fill_player_facts(rows: pd.DataFrame, players: pd.DataFrame) -> pd.DataFrame:
    """Hand, height, country and age at the match from the players table, where the row has none."""
    facts = players.set_index("key")
    out = rows.copy()
    day = pd.to_datetime(out["day"])
    for side in ("winner", "loser"):
        keys = out[f"{side}_key"]
        for col, fact in (("hand", "hand"), ("ht", "height"), ("ioc", "ioc")):
            if fact in facts.columns:
                known = keys.map(facts[fact])
                out[f"{side}_{col}"] = out[f"{side}_{col}"].where(out[f"{side}_{col}"].notna(), known)
        if "dob" in facts.columns:
            dob = pd.to_datetime(keys.map(facts["dob"]), errors="coerce")
            age = (day - dob).dt.days / 365.25
            out[f"{side}_age"] = pd.to_numeric(out[f"{side}_age"], errors="coerce").fillna(age)
    return out


def merge_kalshi(
    existing: pd.DataFrame, kalshi: pd.DataFrame, ids: Identities
) -> tuple[pd.DataFrame, SourceCounts, dict[int, list[int]]]:
    """Kalshi results not already in `existing` (same tour and pair within the window), with keys."""
    counts = SourceCounts(read=len(kalshi))
    if kalshi.empty:
        return kalshi, counts, {}
    rows, rejected = resolve_sides(
        kalshi.sort_values("day", kind="mergesort"), ids, KALSHI, ("winner_surname", "loser_surname")
    )
    counts.rejected.update(rejected)
    dup_of = _pair_duplicates(rows, existing)
    absorbed: dict[int, list[int]] = {}
    for kept, gone in zip(dup_of.dropna(), rows.loc[dup_of.notna(), "uid"], strict=True):
        absorbed.setdefault(int(kept), []).append(int(gone))
    counts.merged = int(dup_of.notna().sum())
    fresh = rows[dup_of.isna()]
    counts.new = len(fresh)
    return fresh, counts, absorbed


def _pair_duplicates(rows: pd.DataFrame, existing: pd.DataFrame) -> pd.Series:
    """uid of the existing row that is the same match (tour, both players, window) as each new row."""
    if rows.empty or existing.empty:
        return pd.Series(np.nan, index=rows.index, dtype=object)
    first = pd.to_datetime(rows["day"]).min() - timedelta(days=40)
    recent = existing[existing["tourney_date"] >= first]

    def pair(frame: pd.DataFrame) -> pd.Series:
        a, b = frame["winner_key"].astype(str), frame["loser_key"].astype(str)
        return frame["tour"].astype(str) + "|" + a.where(a < b, b) + "|" + b.where(a < b, a)

    left = pd.DataFrame({"pair": pair(rows), "day": pd.to_datetime(rows["day"]), "i": rows.index})
    right = pd.DataFrame(
        {"pair": pair(recent), "tdate": recent["tourney_date"], "kept": recent["uid"].astype("int64")}
    )
    hits = left.merge(right, on="pair")
    fits = (hits["day"] >= hits["tdate"] - WINDOW_BEFORE) & (hits["day"] <= hits["tdate"] + WINDOW_AFTER)
    hits = hits[fits].drop_duplicates("i")
    return pd.Series(hits["kept"].to_numpy(), index=hits["i"].to_numpy(), dtype=object).reindex(rows.index)
