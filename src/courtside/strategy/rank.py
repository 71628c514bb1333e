"""Best first: the candidates of one scan (or of one burst of --stream reactions) ranked by the profit
the bot expects from the order it would place on each, so the orders-per-scan cap, the exposure room
and the cash go to the best trades, not to the first ones listed (pure).

The measure is the expected profit after fees of the order sized on the room as it was before any of
them was placed: p x count - (count x average price + fee), i.e. EV per contract after fees times the
contracts the bot would take. A percentage EV alone would put a 1-contract 40% edge before a
10-contract 20% edge that earns four times as much; a dollar figure ranks what the bankroll gains.
For a maker order it is the profit if it fills: every candidate of a scan rests or takes at the same
style, so the fill chance does not reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from courtside.domain.market import OrderBook
from courtside.pricing.edge import Quote
from courtside.strategy.decide import Candidate, NoTrade, OrderIntent, StrategyParams, StrategyState, size
from courtside.strategy.sizing import all_in_cost


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate in its place: 1 is the best; `intent` is sized on the room before any order."""

    rank: int
    candidate: Candidate
    intent: OrderIntent
    profit: Decimal

    @property
    def event_ticker(self) -> str:
        return self.candidate.event_ticker


def expected_profit(quote: Quote) -> Decimal:
    """Dollars the order is expected to make after fees: p x count - all-in cost (kalshi-api.md §4.2)."""
    return Decimal(str(quote.p)) * quote.count - all_in_cost(quote)


def rank(
    candidates: Sequence[Candidate],
    books: Mapping[str, OrderBook],
    params: StrategyParams,
    state: StrategyState,
) -> tuple[list[Ranked], list[tuple[Candidate, NoTrade]]]:
    """Every candidate sized on the room in `state`, best expected profit first (ties: the higher EV
    per dollar, then the order they came in, i.e. the exchange's listing); and the candidates that
    size to nothing even on the whole room, with the reason (they take no place)."""
    sized: list[tuple[Candidate, OrderIntent, Decimal]] = []
    unsized: list[tuple[Candidate, NoTrade]] = []
    for c in candidates:
        d = size(c, books, params, state)
        if isinstance(d, NoTrade):
            unsized.append((c, d))
        else:
            sized.append((c, d, expected_profit(d.quote)))
    sized.sort(key=lambda x: (-x[2], -x[1].quote.ev))  # stable: ties keep their listing order
    return [Ranked(i, c, d, p) for i, (c, d, p) in enumerate(sized, start=1)], unsized


def better(taken: Sequence[tuple[int, str]]) -> str:
    """The orders that took the room, for a refusal: '#1-#5: KXA-..., KXB-...' (ranks in order)."""
    if not taken:
        return "earlier orders"
    ranks = sorted(r for r, _ in taken)
    contiguous = ranks == list(range(ranks[0], ranks[0] + len(ranks)))
    if len(ranks) == 1:
        label = f"#{ranks[0]}"
    elif contiguous:
        label = f"#{ranks[0]}-#{ranks[-1]}"
    else:
        label = ", ".join(f"#{r}" for r in ranks)
    return f"{label}: {', '.join(t for _, t in sorted(taken))}"
