"""The market as a prior: a logit-space blend of the model with the match's own de-vigged mid (pure).

A model that is slightly worse than the market loses when it trades its raw disagreements, which are
mostly its own errors (tennis-modelling.md §2.3, §5.2). Forecast combination keeps what the model adds:
p = sigmoid(w * logit(p_model) + (1 - w) * logit(p_market)). w = 1 is the model alone; w = 0 the
market, which cannot pay the spread and the fee.

The market probability of A comes from both YES books of the match: the mid of YES on A and the mid of
NO on B (1 - the mid of YES on B), averaged. Their mean is de-vigged by construction (P(A) + P(B) = 1
exactly, in Decimal), and swapping A and B gives exactly 1 - P(A).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from courtside.domain.market import OrderBook
from courtside.domain.money import ONE

TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class MarketProbability:
    """P(A wins) implied by the two books, or why there is none."""

    p_a: Decimal | None
    reason: str = ""


def book_mid(book: OrderBook, max_spread: Decimal | None = None) -> tuple[Decimal | None, str]:
    """The YES mid of one market, or None and why: an empty side, a crossed (or locked) book, or a
    spread too wide for its mid to mean anything."""
    bid, ask = book.best_yes_bid, book.best_yes_ask
    if bid is None or ask is None:
        return None, f"{book.ticker}: one-sided book"
    if bid.price >= ask.price:
        return None, f"{book.ticker}: crossed book (bid {bid.price} >= ask {ask.price})"
    if max_spread is not None and ask.price - bid.price > max_spread:
        return None, f"{book.ticker}: spread {ask.price - bid.price} above {max_spread}"
    return (bid.price + ask.price) / TWO, ""


def market_probability(
    book_a: OrderBook, book_b: OrderBook, max_spread: Decimal | None = None
) -> MarketProbability:
    """Mean of the implied mids of YES on A and NO on B; both books must be two-sided and sane."""
    mid_a, why_a = book_mid(book_a, max_spread)
    mid_b, why_b = book_mid(book_b, max_spread)
    if mid_a is None or mid_b is None:
        return MarketProbability(None, "; ".join(w for w in (why_a, why_b) if w))
    p_a = (mid_a + ONE - mid_b) / TWO
    if not Decimal(0) < p_a < ONE:
        return MarketProbability(None, f"market probability {p_a} outside (0, 1)")
    return MarketProbability(p_a)


def logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x), without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def blend(p_model: float, p_market: float, weight: float) -> float:
    """sigmoid(w * logit(p_model) + (1 - w) * logit(p_market)); w = 1 returns p_model and w = 0
    p_market, unchanged (no round trip through logit)."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"model weight {weight} outside [0, 1]")
    if not (0.0 < p_model < 1.0 and 0.0 < p_market < 1.0):
        raise ValueError(f"probabilities must be in (0, 1), got {p_model}, {p_market}")
    if weight == 1.0:
        return p_model
    if weight == 0.0:
        return p_market
    return sigmoid(weight * logit(p_model) + (1.0 - weight) * logit(p_market))
