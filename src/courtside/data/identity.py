"""Who a result's players are: a known player's key, or a newcomer made once, with a stable id.

A name from a source without ids (tennis-data's "Fonseca J.", Kalshi's "Joao Fonseca") is resolved
through the player registry. A confident match is that player, whichever source first named them, so a
later source links to the existing id instead of creating a twin. No match makes a newcomer whose id
derives from the source and the folded name (the same name gives the same id in every build). An
ambiguous or only loosely similar name is reported with its candidates, never guessed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from courtside.data.names import compact, parse_name, tokens
from courtside.data.registry import PlayerRecord, PlayerRegistry, Resolution

NEWCOMER_BASE = 10**12  # newcomer ids sit far above every Sackmann id (six digits)
MIN_CONFIDENCE = 0.7  # below this a resolution is a guess (a fuzzy spelling): reported, not used


def newcomer_id(source: str, tour: str, name: str) -> int:
    """A stable numeric id for a player first seen in `source` under `name` (folded)."""
    digest = hashlib.blake2b(f"{source}|{tour}|{compact(name)}".encode(), digest_size=8).digest()
    return NEWCOMER_BASE + int.from_bytes(digest, "big") % 10**14


def is_newcomer(key: str) -> bool:
    return int(key.split(":", 1)[1]) >= NEWCOMER_BASE


def split_name(name: str, surname: str | None = None) -> tuple[str, str]:
    """(first, last) of 'Giron M.' (surname first, initials) or 'Pedro Sanchez Jover' (the surname as
    the event title writes it, else the last word)."""
    parsed = parse_name(name)
    text = " ".join(name.split())
    if parsed.initials is not None and parsed.surname is not None:
        last, _, first = text.rpartition(" ")
        return first, last
    if (
        surname
        and tokens(text)[-len(tokens(surname)) :] == tokens(surname)
        and len(tokens(text)) > len(tokens(surname))
    ):
        words = text.split(" ")
        n = len(surname.split())
        return " ".join(words[:-n]), " ".join(words[-n:])
    first, _, last = text.rpartition(" ")
    return first, last


@dataclass(frozen=True, slots=True)
class Newcomer:
    """A player no earlier source knew: made from a result row."""

    key: str
    tour: str
    player_id: int
    name_first: str
    name_last: str
    source: str
    first_seen: date

    def row(self) -> dict[str, Any]:
        full = f"{self.name_first} {self.name_last}".strip()
        return {
            "key": self.key,
            "tour": self.tour,
            "player_id": self.player_id,
            "name_first": self.name_first,
            "name_last": self.name_last,
            "full_name": full,
            "source": self.source,
        }


@dataclass
class Identities:
    """Resolves result names to keys over one registry (built on first use: most merges need none),
    adding the newcomers it makes to it."""

    factory: Callable[[], PlayerRegistry]
    newcomers: dict[str, Newcomer] = field(default_factory=dict)
    ambiguous: Counter[str] = field(default_factory=Counter)
    _cache: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _why: dict[tuple[str, str], str] = field(default_factory=dict)
    _registry: PlayerRegistry | None = None

    @property
    def registry(self) -> PlayerRegistry:
        if self._registry is None:
            self._registry = self.factory()
        return self._registry

    def key_for(self, name: str, tour: str, day: date, source: str, surname: str | None = None) -> str | None:
        """The player's key, a newcomer's, or None when the name is ambiguous (see `reason`)."""
        cached = (tour, name)
        if cached in self._cache:
            return self._cache[cached]
        res = self.registry.resolve(name, tour, active_on=day)
        key = self._decide(res, name, tour, day, source, surname)
        self._cache[cached] = key
        return key

    def reason(self, name: str, tour: str) -> str:
        return self._why.get((tour, name), "")

    def _decide(
        self, res: Resolution, name: str, tour: str, day: date, source: str, surname: str | None
    ) -> str | None:
        if res.status == "ok" and res.player is not None and res.confidence >= MIN_CONFIDENCE:
            return res.player.key
        if res.status == "unknown":
            return self._new(name, tour, day, source, surname)
        names = ", ".join(f"{c.name} ({c.key})" for c in res.candidates[:4])
        if res.status == "ok" and res.player is not None:
            names = f"{res.player.name} ({res.player.key}), only by {res.reason}"
        why = f"ambiguous name {name!r} ({tour}): {names or res.reason}"
        self._why[(tour, name)] = why
        self.ambiguous[why] += 1
        return None

    def _new(self, name: str, tour: str, day: date, source: str, surname: str | None) -> str:
        pid = newcomer_id(source, tour, name)
        key = f"{tour}:{pid}"
        if key not in self.newcomers:
            first, last = split_name(name, surname)
            self.newcomers[key] = Newcomer(key, tour, pid, first, last, source, day)
            self.registry.add(PlayerRecord(key, first, last, first_seen=day, last_seen=day, n_matches=1))
        return key

    def newcomer_frame(self) -> pd.DataFrame:
        """The newcomers made, as rows of the players table."""
        rows = [n.row() for n in self.newcomers.values()]
        columns = ["key", "tour", "player_id", "name_first", "name_last", "full_name", "source"]
        return pd.DataFrame(rows, columns=columns)


def resolve_sides(
    frame: pd.DataFrame, ids: Identities, source: str, surnames: tuple[str, str] | None = None
) -> tuple[pd.DataFrame, Counter[str]]:
    """Fill winner/loser id and key of a result frame (names in winner_name/loser_name, play day in
    `day`), in play order; rows with an ambiguous name are dropped and counted by reason."""
    rejected: Counter[str] = Counter()
    keys: dict[str, list[str | None]] = {"winner": [], "loser": []}
    days = pd.to_datetime(frame["day"]).dt.date.tolist()
    tours = frame["tour"].astype(str).tolist()
    for side, col in (("winner", 0), ("loser", 1)):
        names = frame[f"{side}_name"].astype(str).tolist()
        extra = frame[surnames[col]].tolist() if surnames else [None] * len(frame)
        for name, tour, day, sur in zip(names, tours, days, extra, strict=True):
            keys[side].append(ids.key_for(name, tour, day, source, sur if isinstance(sur, str) else None))
    out = frame.copy()
    out["winner_key"], out["loser_key"] = keys["winner"], keys["loser"]
    bad = out["winner_key"].isna() | out["loser_key"].isna()
    for w, wk, lk, lo, tour in zip(
        out["winner_name"], out["winner_key"], out["loser_key"], out["loser_name"], out["tour"], strict=True
    ):
        if wk is None or lk is None:
            name = w if wk is None else lo
            rejected[ids.reason(str(name), str(tour)) or f"ambiguous name {name!r}"] += 1
    same = ~bad & (out["winner_key"] == out["loser_key"])
    rejected.update({"both names resolve to the same player": int(same.sum())} if same.any() else {})
    out = out.loc[~(bad | same)].copy()
    for side in ("winner", "loser"):
        out[f"{side}_id"] = out[f"{side}_key"].str.split(":").str[1].astype("int64")
    return out, rejected
