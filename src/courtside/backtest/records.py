"""The trade row of a backtest and its CSV form (trades.csv), written and read back without loss.

One row per fill. It carries what an outsider needs to re-settle it without our code: the match day,
tour and both players as the tennis-data odds file writes them (whitespace trimmed, so each row joins
back to its result row), the closing odds used, the leg bought, its price, count and fee. Every price,
count and money field is a Decimal written as plain text, so an independent re-settlement can
recompute `pnl = contracts x (settlement_value - price) - fee` exactly. Probabilities (`p_model`,
`p_market_fair`, `p_blend`) are floats and refer to the bought leg paying out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from courtside.domain.errors import DataError

COLUMN_HELP: dict[str, str] = {
    "date": "match day (tennis-data Date)",
    "tour": "atp | wta",
    "tournament": "tennis-data Tournament",
    "level": "courtside.domain.tennis.Level value",
    "surface": "Hard | Clay | Grass | Carpet",
    "round": "tennis-data Round",
    "match": "'Player A vs Player B' (A is the alphabetically first name, not the winner)",
    "player_a": "player A as in the odds file's Winner/Loser column ('Surname I.', whitespace trimmed)",
    "player_b": "player B likewise",
    "odds_a": "decimal closing odds of player A the books were built from (see config.market)",
    "odds_b": "decimal closing odds of player B",
    "event_ticker": "synthetic Kalshi event ticker",
    "ticker": "the market traded (YES pays when market_player wins)",
    "market_player": "the player whose YES market `ticker` is",
    "route": "strategy route label",
    "side": "leg bought: yes | no of `ticker`",
    "price": "dollars paid per contract of the bought leg",
    "contracts": "contracts filled",
    "maker": "true when the fill was a resting (maker) fill",
    "fee": "kalshi_fee(contracts, price, schedule, maker=maker)",
    "p_model": "model probability that the bought leg pays 1 (float, full precision)",
    "p_market_fair": "Shin de-vigged closing probability that the bought leg pays 1 (float, full precision)",
    "p_blend": "probability the trader decided on: p_model blended with the book's de-vigged mid at "
    "config.model_weight (equal to p_model at model_weight 1)",
    "edge": "p_blend - price - fee / contracts (the expected edge the order was placed on)",
    "result": "completed | retired | walkover | awarded",
    "winner": "the player who won (or advanced)",
    "settlement_value": "payout per contract of the bought leg (fair price to the cent unless completed)",
    "pnl": "contracts x (settlement_value - price) - fee",
    "bankroll": "bankroll before the order",
}


@dataclass(frozen=True, slots=True)
class TradeRow:
    """One filled order of the backtest, settled."""

    date: date
    tour: str
    tournament: str
    level: str
    surface: str
    round: str
    match: str
    player_a: str
    player_b: str
    odds_a: float
    odds_b: float
    event_ticker: str
    ticker: str
    market_player: str
    route: str
    side: str
    price: Decimal
    contracts: Decimal
    maker: bool
    fee: Decimal
    p_model: float
    p_market_fair: float
    p_blend: float
    edge: Decimal
    result: str
    winner: str
    settlement_value: Decimal
    pnl: Decimal
    bankroll: Decimal

    @property
    def cost(self) -> Decimal:
        return self.contracts * self.price

    @property
    def clv(self) -> float:
        """Closing-line value per contract: fair probability of the leg minus the price paid."""
        return self.p_market_fair - float(self.price)


COLUMNS = tuple(f.name for f in fields(TradeRow))
_DECIMALS = {"price", "contracts", "fee", "edge", "settlement_value", "pnl", "bankroll"}
_FLOATS = {"p_model", "p_market_fair", "p_blend", "odds_a", "odds_b"}


def _cell(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize() if name != "pnl" else value, "f")
    return str(value)


def write_trades(path: Path, rows: Iterable[TradeRow]) -> int:
    """Write trades.csv; returns the number of rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(k, v) for k, v in asdict(row).items()])
            count += 1
    return count


def _parse(record: dict[str, str]) -> TradeRow:
    values: dict[str, Any] = dict(record)
    for name in _DECIMALS:
        values[name] = Decimal(record[name])
    for name in _FLOATS:
        values[name] = float(record[name])
    values["maker"] = record["maker"] == "true"
    values["date"] = date.fromisoformat(record["date"])
    return TradeRow(**values)


def read_trades(path: Path) -> Iterator[TradeRow]:
    """Read a trades.csv written by `write_trades`."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise DataError(f"{path}: unexpected columns {reader.fieldnames}")
        for record in reader:
            yield _parse(record)
