"""The player registry: from any spelling of a player's name to the one Sackmann key.

Used by the odds join ("Galan D.E."), the trader (Kalshi's "Varvara Lepchenko" or "Jimenez Kasintseva")
and `courtside data resolve`. Resolution tries strict readings first (full name, surname + initials),
then looser ones (surname only, tokens, fuzzy), and breaks ties by who was playing around the date.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from courtside.data.names import (
    SUFFIXES,
    ParsedName,
    compact,
    initials_match,
    parse_name,
    strip_suffix,
    tokens,
)
from courtside.domain.tennis import Level, PlayerRef, Tour

Status = Literal["ok", "ambiguous", "unknown"]
_ACTIVE_MARGIN = timedelta(days=400)
_LOWER_LEVELS = frozenset({Level.CHALLENGER.value, Level.ITF.value, Level.QUALIFYING.value})
_PARTICLES = frozenset({"de", "van", "der", "den", "da", "di", "del", "la", "le", "von", "dos", "du", "el"})


@dataclass(frozen=True, slots=True)
class PlayerRecord:
    """One player as the registry knows them, with when and how much they played."""

    key: str
    name_first: str
    name_last: str
    first_seen: date | None = None
    last_seen: date | None = None
    n_matches: int = 0
    n_tour_matches: int = 0
    aliases: tuple[str, ...] = ()

    @property
    def tour(self) -> Tour:
        return Tour(self.key.split(":", 1)[0])

    @property
    def full_name(self) -> str:
        return f"{self.name_first} {self.name_last}".strip()

    def ref(self) -> PlayerRef:
        return PlayerRef(self.key, self.full_name)

    def active_on(self, day: date) -> bool:
        if self.first_seen is None or self.last_seen is None:
            return False
        return self.first_seen - _ACTIVE_MARGIN <= day <= self.last_seen + _ACTIVE_MARGIN


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to 'who is this name?': ok with a player, ambiguous with candidates, or unknown."""

    query: str
    status: Status
    player: PlayerRef | None = None
    confidence: float = 0.0
    candidates: tuple[PlayerRef, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "player": None if self.player is None else {"key": self.player.key, "name": self.player.name},
            "confidence": round(self.confidence, 3),
            "candidates": [{"key": c.key, "name": c.name} for c in self.candidates],
            "reason": self.reason,
        }


Tier = tuple[float, str, Callable[[ParsedName], set[str]]]


@dataclass
class PlayerRegistry:
    """Name -> player index over one or both tours; build with from_frames or from_records."""

    records: dict[str, PlayerRecord]
    _by_full: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _by_surname: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _by_token: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _tokens: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for record in self.records.values():
            self._index(record)

    def _index(self, rec: PlayerRecord) -> None:
        first, last = tokens(rec.name_first), tokens(rec.name_last)
        self._tokens[rec.key] = (first, last)
        if last:
            self._by_surname["".join(last)].add(rec.key)
            if last[-1] in SUFFIXES:
                self._by_surname[compact(strip_suffix(rec.name_last))].add(rec.key)
        names = [(first, last), *((tokens(a), ()) for a in rec.aliases)]
        for head, tail in names:
            for tok in head + tail:
                self._by_token[tok].add(rec.key)
            if head and (tail or len(head) > 1):
                self._by_full["".join(head + tail)].add(rec.key)
                self._by_full["".join(tail + head)].add(rec.key)

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record: PlayerRecord) -> None:
        """Index one more player (a newcomer made from a later source); a known key is left as it is."""
        if record.key in self.records:
            return
        self.records[record.key] = record
        self._index(record)

    def get(self, key: str) -> PlayerRecord | None:
        return self.records.get(key)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> PlayerRegistry:
        """From rows with key, name_first, name_last; optional first_seen, last_seen, n_matches, aliases."""
        built: dict[str, PlayerRecord] = {}
        for row in records:
            rec = PlayerRecord(
                key=str(row["key"]),
                name_first=_text(row.get("name_first")),
                name_last=_text(row.get("name_last")),
                first_seen=_day(row.get("first_seen")),
                last_seen=_day(row.get("last_seen")),
                n_matches=_count(row.get("n_matches")),
                n_tour_matches=_count(row.get("n_tour_matches")),
                aliases=tuple(str(a) for a in (row.get("aliases") or ())),
            )
            built[rec.key] = rec
        return cls(built)

    @classmethod
    def from_frames(cls, players: pd.DataFrame, matches: pd.DataFrame | None = None) -> PlayerRegistry:
        """From load_players (and load_matches, for activity dates and names seen in match files)."""
        return cls.from_records(registry_records(players, matches))

    def resolve(
        self,
        name: str,
        tour: Tour | str | None = None,
        *,
        active_on: date | None = None,
        candidates_hint: Collection[str] | None = None,
    ) -> Resolution:
        """Who `name` is; hinted keys (e.g. the players of that event) are preferred when given."""
        parsed = parse_name(name)
        if not parsed.tokens:
            return Resolution(name, "unknown", reason="empty name")
        wanted = None if tour is None else Tour(tour).value
        if candidates_hint:
            hint = set(candidates_hint)
            hinted = self._run_tiers(parsed, wanted, active_on, hint, loose=True)
            if hinted.status == "ok":
                return hinted
        return self._run_tiers(parsed, wanted, active_on, None, loose=False)

    def _run_tiers(
        self, parsed: ParsedName, tour: str | None, day: date | None, hint: set[str] | None, *, loose: bool
    ) -> Resolution:
        for confidence, how, finder in self._tiers(parsed, loose=loose):
            keys = {k for k in finder(parsed) if tour is None or k.startswith(tour + ":")}
            if hint is not None:
                keys &= hint
            if keys:
                return self._decide(parsed.raw, keys, confidence, how, day)
        return Resolution(parsed.raw, "unknown", reason="no player with that name")

    def _tiers(self, parsed: ParsedName, *, loose: bool) -> Iterator[Tier]:
        if parsed.initials is not None:
            yield 0.95, "surname and initials", self._surname_initials
            yield 0.85, "surname words and initials", self._surname_words_initials
        yield 1.0, "full name", self._full_name
        yield 0.9, "initial or short first name and surname", self._first_prefix_surname
        yield 0.8, "surname, and the initial of a player known by initials", self._initialled_record
        yield 0.85, "surname", self._surname_only
        yield 0.75, "all words of the name", self._all_tokens
        yield 0.7, "part of a double surname", self._partial_surname
        if parsed.initials is not None:
            yield 0.6, "surname (initials differ)", self._surname_any_initials
        yield 0.55, "similar spelling", self._fuzzy if not loose else self._fuzzy_loose

    def _surname_initials(self, p: ParsedName) -> set[str]:
        assert p.surname is not None
        assert p.initials is not None
        keys = self._by_surname.get("".join(p.surname), set())
        return {k for k in keys if initials_match(p.initials, self._tokens[k][0])}

    def _surname_words_initials(self, p: ParsedName) -> set[str]:
        assert p.surname is not None
        assert p.initials is not None
        out = set()
        for k in self._with_tokens(p.surname):
            first, last = self._tokens[k]
            rest = tuple(t for t in first + last if t not in p.surname)
            if initials_match(p.initials, rest) or initials_match(p.initials, first):
                out.add(k)
        return out

    def _surname_any_initials(self, p: ParsedName) -> set[str]:
        assert p.surname is not None
        return set(self._by_surname.get("".join(p.surname), set()))

    def _full_name(self, p: ParsedName) -> set[str]:
        return set(self._by_full.get("".join(p.tokens), set()))

    def _first_prefix_surname(self, p: ParsedName) -> set[str]:
        if len(p.tokens) < 2:
            return set()
        head, surname = p.tokens[0], "".join(p.tokens[1:])
        keys = self._by_surname.get(surname, set())
        return {k for k in keys if self._tokens[k][0] and self._tokens[k][0][0].startswith(head)}

    def _initialled_record(self, p: ParsedName) -> set[str]:
        """'Jerry Roddick' for a player a source named 'Roddick J.': the stored first name is initials."""
        if len(p.tokens) < 2 or p.initials is not None:
            return set()
        keys = self._by_surname.get("".join(p.tokens[1:]), set())
        out = set()
        for k in keys:
            first = self._tokens[k][0]
            if first and all(len(t) <= 2 for t in first) and initials_match(first, p.tokens[:1]):
                out.add(k)
        return out

    def _surname_only(self, p: ParsedName) -> set[str]:
        return set(self._by_surname.get("".join(p.tokens), set()))

    def _all_tokens(self, p: ParsedName) -> set[str]:
        if all(t in _PARTICLES or len(t) < 2 for t in p.tokens):
            return set()
        return self._with_tokens(p.tokens)

    def _partial_surname(self, p: ParsedName) -> set[str]:
        """'Ramos-Vinolas A.' for Albert Ramos, 'Pere Riba-Madrid' for Pere Riba: one part of the surname."""
        if p.initials is not None and p.surname is not None:
            first, surname = p.initials, p.surname
        elif len(p.tokens) >= 3:
            first, surname = p.tokens[:1], p.tokens[1:]
        else:
            return set()
        out: set[str] = set()
        for i in range(1, len(surname)):
            for part in ("".join(surname[:i]), "".join(surname[i:])):
                if len(part) >= 4 and part not in _PARTICLES:
                    keys = self._by_surname.get(part, set())
                    out |= {k for k in keys if initials_match(first, self._tokens[k][0])}
        return out

    def _with_tokens(self, words: Iterable[str]) -> set[str]:
        sets = sorted((self._by_token.get(t, set()) for t in set(words)), key=len)
        if not sets or not sets[0]:
            return set()
        return set(sets[0]).intersection(*sets[1:])

    def _fuzzy(self, p: ParsedName, *, cutoff: float = 0.85) -> set[str]:
        pool: set[str] = set()
        for tok in p.tokens:
            if len(tok) >= 3 and tok not in _PARTICLES and len(self._by_token.get(tok, ())) < 5000:
                pool |= self._by_token.get(tok, set())
        target = "".join(p.surname or p.tokens) if p.initials else "".join(p.tokens)
        out = set()
        for k in pool:
            first, last = self._tokens[k]
            names = ("".join(last),) if p.initials else ("".join(first + last), "".join(last + first))
            if max(difflib.SequenceMatcher(None, target, n).ratio() for n in names) >= cutoff:
                out.add(k)
        return out

    def _fuzzy_loose(self, p: ParsedName) -> set[str]:
        return self._fuzzy(p, cutoff=0.7)

    def _decide(self, query: str, keys: set[str], conf: float, how: str, day: date | None) -> Resolution:
        pick, pool, factor, why = _disambiguate([self.records[k] for k in keys], day)
        if pick is not None:
            return Resolution(query, "ok", pick.ref(), conf * factor, reason=f"{how}{why}")
        ranked = sorted(pool, key=lambda r: (-r.n_tour_matches, -r.n_matches, r.key))
        refs = tuple(r.ref() for r in ranked[:10])
        return Resolution(
            query, "ambiguous", None, conf * 0.5, refs, reason=f"{len(pool)} players match by {how}"
        )


def _disambiguate(
    pool: list[PlayerRecord], day: date | None
) -> tuple[PlayerRecord | None, list[PlayerRecord], float, str]:
    """One player out of several namesakes, by activity around the date, then by how much each played."""
    if len(pool) == 1:
        return pool[0], pool, 1.0, ""
    if day is not None:
        active = [r for r in pool if r.active_on(day)]
        if len(active) == 1:
            return active[0], pool, 0.95, ", the only one active then"
        pool = active or pool
    played = [r for r in pool if r.n_matches > 0]
    if len(played) == 1:
        return played[0], pool, 0.9, ", the only one with matches"
    pool = played or pool
    ranked = sorted(pool, key=lambda r: (r.n_tour_matches, r.n_matches), reverse=True)
    top, second = ranked[0], ranked[1]
    if top.n_matches >= 20 and top.n_matches >= 5 * max(second.n_matches, 1):
        return top, pool, 0.8, ", by far the most matches"
    return None, pool, 0.0, ""


def registry_records(players: pd.DataFrame, matches: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Rows for from_records: the players frame plus first/last seen, match counts and names seen."""
    base = players[["key", "name_first", "name_last"]].copy()
    if matches is None or matches.empty:
        return [{str(k): v for k, v in row.items()} for row in base.to_dict("records")]
    stats = activity(matches)
    merged = base.merge(stats, left_on="key", right_index=True, how="left")
    seen = _names_seen(matches)
    rows = [{str(k): v for k, v in row.items()} for row in merged.to_dict("records")]
    for row in rows:
        names = seen.get(str(row["key"]))
        if names:
            full = compact(f"{_text(row['name_first'])} {_text(row['name_last'])}")
            row["aliases"] = tuple(n for n in names if compact(n) != full)
    return rows


def activity(matches: pd.DataFrame) -> pd.DataFrame:
    """Per player key: first_seen, last_seen (dates), n_matches and n_tour_matches (tour level only),
    indexed by key in sorted order (rows without a key are left out)."""
    keys = pd.concat([matches["winner_key"], matches["loser_key"]], ignore_index=True)
    codes, uniques = pd.factorize(keys, sort=True)
    days = np.concatenate([matches["tourney_date"].to_numpy()] * 2)
    lower = matches["level"].isin(_LOWER_LEVELS).to_numpy()
    tour_level = np.concatenate([~lower, ~lower])
    known = codes >= 0
    codes, days, tour_level = codes[known], days[known], tour_level[known]
    by_key = pd.Series(days).groupby(codes, sort=True)
    out = pd.DataFrame(
        {
            "first_seen": by_key.min().dt.date.to_numpy(),
            "last_seen": by_key.max().dt.date.to_numpy(),
            "n_matches": np.bincount(codes, minlength=len(uniques)),
            "n_tour_matches": np.bincount(codes, weights=tour_level, minlength=len(uniques)).astype("int64"),
        },
        index=pd.Index(uniques, name="key"),
    )
    return out


def _names_seen(matches: pd.DataFrame) -> dict[str, list[str]]:
    pairs = pd.concat(
        [
            matches[["winner_key", "winner_name"]].set_axis(["key", "name"], axis=1),
            matches[["loser_key", "loser_name"]].set_axis(["key", "name"], axis=1),
        ],
        ignore_index=True,
    ).dropna()
    pairs = pairs.drop_duplicates()
    seen: dict[str, list[str]] = defaultdict(list)
    for key, name in zip(pairs["key"].tolist(), pairs["name"].tolist(), strict=True):
        seen[str(key)].append(str(name))
    return seen


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _count(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value == value:
        return int(value)
    return 0
