"""What one scan found, per match: the rows of `courtside scan --json` and the trader's log."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from courtside.execution.reconcile import Reconciled
from courtside.markets.match import TennisMatch
from courtside.strategy.decide import Decision, OrderIntent

SIX = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class MatchVerdict:
    """One match of one scan, as `courtside scan --json` prints it."""

    event_ticker: str
    tickers: tuple[str, ...]
    players: tuple[str, ...]
    p_model: float | None
    decision: str  # taken | refused | holding | skipped
    reasons: tuple[str, ...]
    route: str = ""
    style: str = ""
    price: Decimal | None = None
    fee: Decimal | None = None
    edge: Decimal | None = None
    ev: Decimal | None = None
    size: Decimal | None = None
    title: str = ""
    contracts: Decimal | None = None  # the count price, fee, edge and EV were worked at
    p_market: float | None = None  # P(A) of the de-vigged mid of both books
    p_blend: float | None = None  # P(A) edge and EV were computed on (= p_model at model-weight 1)
    backs: str = ""  # the player the route's buy pays on: "a" or "b" ("" without a route)

    @property
    def backed_player(self) -> str:
        """The name of the player the priced buy backs ("" without one)."""
        index = {"a": 0, "b": 1}.get(self.backs)
        return self.players[index] if index is not None and len(self.players) > index else ""

    rank: int | None = None  # place among the scan's candidates, best expected profit first

    def as_json(self) -> dict[str, object]:
        def num(x: Decimal | None) -> str | None:
            if x is None:
                return None
            return str(x.quantize(SIX)) if x != x.quantize(SIX) else str(x)

        return {
            "event_ticker": self.event_ticker,
            "tickers": list(self.tickers),
            "players": list(self.players),
            "p_model": self.p_model,
            "p_market": self.p_market,
            "p_blend": self.p_blend,
            "route": self.route,
            "backs": self.backed_player or None,
            "style": self.style,
            "price": num(self.price),
            "fee": num(self.fee),
            "fee_contracts": num(self.contracts),
            "edge": num(self.edge),
            "ev": num(self.ev),
            "size": num(self.size),
            "rank": self.rank,
            "decision": self.decision,
            "reasons": list(self.reasons),
        }


@dataclass
class ScanResult:
    scan_id: int
    items: list[MatchVerdict] = field(default_factory=list)
    orders: int = 0
    skipped: int = 0
    events: int = 0
    reconciled: Reconciled | None = None
    reaction: bool = False  # a --stream reaction: a refusal is logged only when its reasons change


def verdict_of(
    match: TennisMatch,
    p: float | None,
    decision: Decision | None,
    verdict: str,
    reasons: tuple[str, ...],
    rank: int | None = None,
) -> MatchVerdict:
    quote = decision.quote if isinstance(decision, OrderIntent) else (decision.best if decision else None)
    size = decision.count if isinstance(decision, OrderIntent) else None
    held = decision.belief if decision is not None else None
    return MatchVerdict(
        match.event_ticker,
        match.tickers,
        (match.a.name, match.b.name),
        p,
        verdict,
        reasons,
        route=f"{quote.route.label}@{quote.route.ticker}" if quote else "",
        style=quote.style.value if quote else "",
        price=quote.price if quote else None,
        fee=quote.fee if quote else None,
        edge=quote.value_edge if quote else None,
        ev=quote.ev if quote else None,
        size=size,
        title=match.title,
        contracts=quote.count if quote else None,
        p_market=held.p_market if held else None,
        p_blend=held.p if held else None,
        backs=quote.route.backs if quote else "",
        rank=rank,
    )


# What varies between two refusals of the same kind: tickers, quoted names, figures, the detail.
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(player not identified)\b.*"), r"\1"),
    (re.compile(r"^(.*? taken by better)\b.*"), r"\1"),
    (re.compile(r"^(?:KX[\w.-]+|at [\d.]+ contracts): "), ""),
    (re.compile(r"\bKX[A-Z0-9]+(?:-[A-Z0-9.]+)*"), "<market>"),
    (re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"),
    (re.compile(r"\s*\([^()]*\)"), ""),
    (re.compile(r"[-+]?\$?\d+(?:\.\d+)?%?"), "N"),
)


def reason_kind(reason: str) -> str:
    """A reason with its particulars taken out, so refusals of one kind count together: 'EV 0.0123 <
    min-ev 0.05' and 'EV -0.2 < min-ev 0.05' are both 'EV N < min-ev N'."""
    kind = reason.strip()
    for pattern, repl in _KIND_RULES:
        kind = pattern.sub(repl, kind)
    return kind.strip() or reason


def top_reasons(items: Iterable[MatchVerdict], limit: int = 10) -> list[tuple[str, int]]:
    """The commonest kinds of reason a match was skipped, refused or held, with how many matches
    each stopped (a match with two reasons counts under both), commonest first."""
    counts: Counter[str] = Counter()
    for item in items:
        if item.decision != "taken":
            counts.update({reason_kind(r) for r in item.reasons})
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
