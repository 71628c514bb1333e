"""Settlement of a backtest order: the value of the bought leg and the order's P&L, in Decimal.

Kalshi's tennis markets resolve YES/NO on the winner once a ball is played, and to a fair price when
the match does not occur (kalshi-api.md §5.4). Following the brief (and the Underdog description of
Kalshi tennis rules), retirements, walkovers and awarded/defaulted matches settle at the pre-match
fair price rounded to the cent; only completed matches settle 1/0. No fee is charged at settlement
(kalshi-api.md §4.1): the fee is the trade fee of `courtside.pricing.fees.kalshi_fee`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from courtside.backtest.books import fair_settlement_price
from courtside.domain.errors import DataError
from courtside.domain.market import FeeSchedule, FeeType
from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.pricing.fees import kalshi_fee

#: The fee schedule assumed for KXATPMATCH / KXWTAMATCH (kalshi-api.md §4.1, live series capture).
TENNIS_FEES = FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, ONE)
TENNIS_SERIES = {"atp": "KXATPMATCH", "wta": "KXWTAMATCH"}
_COMMENT_WORDS = ("completed", "retired", "walkover", "awarded", "disqualified", "default")


class MatchResult(StrEnum):
    """How a match ended, from tennis-data's `Comment` (or Sackmann's score markers)."""

    COMPLETED = "completed"
    RETIRED = "retired"
    WALKOVER = "walkover"
    AWARDED = "awarded"

    @classmethod
    def parse(cls, comment: str) -> MatchResult:
        """Map a tennis-data Comment ('Completed', 'Retired', 'Walkover', 'Awarded', 'Disqualified').

        The files carry typos ('Rrtired' in atp_2021, 'Walkoer' in wta_2018): a word one or two letters
        from a known one is read as it; anything else ('Sched', 'Cancelled') is not a result."""
        text = comment.strip().lower()
        close = difflib.get_close_matches(text, _COMMENT_WORDS, n=1, cutoff=0.8)
        text = close[0] if close else text
        if text.startswith("complet"):
            return cls.COMPLETED
        if text.startswith("retir"):
            return cls.RETIRED
        if text.startswith("walk") or text in {"w/o", "wo"}:
            return cls.WALKOVER
        if text.startswith(("award", "disq", "def")):
            return cls.AWARDED
        raise DataError(f"unknown match result comment {comment!r}")

    @property
    def settles_at_fair(self) -> bool:
        return self is not MatchResult.COMPLETED


def yes_value(a_won: bool, result: MatchResult, fair_a: float, *, for_a: bool) -> Decimal:
    """Payout of one YES contract of player A's (for_a) or player B's market."""
    value_a = fair_settlement_price(fair_a) if result.settles_at_fair else (ONE if a_won else ZERO)
    return value_a if for_a else ONE - value_a


def leg_value(yes: Decimal, outcome: Outcome) -> Decimal:
    """Payout of one contract of the bought leg: YES pays the YES value, NO pays 1 minus it."""
    return outcome_price_for(outcome, yes)


@dataclass(frozen=True, slots=True)
class SettledOrder:
    """The money of one filled order: cost, fee, settlement value of its leg and P&L."""

    contracts: Decimal
    price: Decimal  # price paid per contract of the bought leg
    fee: Decimal
    value: Decimal  # settlement value per contract of the bought leg
    maker: bool

    @property
    def cost(self) -> Decimal:
        return self.contracts * self.price

    @property
    def pnl(self) -> Decimal:
        """contracts x (value - price) - fee, exactly."""
        return self.contracts * (self.value - self.price) - self.fee


def settle_order(
    contracts: Decimal,
    price: Decimal,
    value: Decimal,
    *,
    maker: bool = False,
    schedule: FeeSchedule = TENNIS_FEES,
) -> SettledOrder:
    """Settle one filled order; the fee is Kalshi's trade fee for a single fill of all contracts."""
    if contracts <= 0 or not ZERO < price < ONE:
        raise DataError(f"cannot settle {contracts} contracts at {price}")
    fee = kalshi_fee(contracts, price, schedule, maker=maker)
    return SettledOrder(contracts=contracts, price=price, fee=fee, value=value, maker=maker)
