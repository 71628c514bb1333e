"""The replay through the trader's real strategy, risk checks and paper fill, on hand-made matches."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from courtside.backtest.actor import ReplaySettings, StrategyActor
from courtside.backtest.books import BookSpec
from courtside.backtest.engine import MarketProbabilities, run
from courtside.backtest.matches import MatchSpec, tickers
from courtside.backtest.settle import MatchResult
from courtside.domain.tennis import Level, Surface, Tour
from courtside.strategy.decide import OrderStyle, StrategyParams


def spec(day: date, a: str, b: str, odds_a: float, odds_b: float, *, a_won: bool,
         result: MatchResult = MatchResult.COMPLETED, row: int = 0) -> MatchSpec:  # fmt: skip
    event, ta, tb = tickers(Tour.ATP, day, a, b)
    return MatchSpec(
        row=row, day=day, tour=Tour.ATP, tournament="Test Open", level=Level.TOUR_250, surface=Surface.HARD,
        round="1st Round", best_of=3, player_a=a, player_b=b, odds_a=odds_a, odds_b=odds_b, a_won=a_won,
        result=result, event_ticker=event, ticker_a=ta, ticker_b=tb,
    )  # fmt: skip


class Fixed:
    """A model that gives every match the same P(A)."""

    def __init__(self, p: float) -> None:
        self.p = p
        self.version = f"fixed {p}"

    def p_a(self, spec: MatchSpec) -> float | None:
        return self.p


TAKER = ReplaySettings(strategy=StrategyParams(order_style=OrderStyle.TAKER))


def test_tickers_follow_kalshi_format() -> None:
    assert tickers(Tour.ATP, date(2022, 1, 3), "Kwon S.W.", "Nishioka Y.") == (
        "KXATPMATCH-22JAN03KWONIS",
        "KXATPMATCH-22JAN03KWONIS-KWO",
        "KXATPMATCH-22JAN03KWONIS-NIS",
    )
    assert tickers(Tour.WTA, date(2023, 5, 9), "Kim A.", "Kim B.")[2].endswith("-KIM2")


def test_a_taker_trade_is_sized_priced_and_settled_by_hand() -> None:
    match = spec(date(2023, 3, 1), "Alpha A.", "Beta B.", 1.95, 1.95, a_won=True)
    result = run([match], Fixed(0.60), StrategyActor(TAKER), bankroll=D(1000), book=BookSpec())
    [row] = result.rows
    # fair 0.50, ask 0.51; Kelly at cost 0.5275 wants 72 contracts, max-size caps at 10
    assert (row.ticker, row.side, row.price, row.contracts) == (match.ticker_a, "yes", D("0.51"), D(10))
    assert row.fee == D("0.1750")  # ceil4(0.07 x 10 x 0.51 x 0.49 = 0.17493)
    assert row.settlement_value == D(1)
    assert row.pnl == D("4.7250")
    assert result.end_bankroll == D("1004.7250")
    assert row.p_model == 0.60
    assert abs(row.p_market_fair - 0.5) < 1e-9


def test_backing_b_takes_the_cheaper_route_and_a_walkover_settles_at_fair() -> None:
    match = spec(date(2023, 3, 1), "Alpha A.", "Beta B.", 1.95, 1.95, a_won=True, result=MatchResult.WALKOVER)
    [row] = run([match], Fixed(0.40), StrategyActor(TAKER), bankroll=D(1000)).rows
    # B is backed either by YES on B or NO on A, both at 0.51
    assert row.price == D("0.51")
    assert row.settlement_value == D("0.50")
    assert row.pnl == D(10) * (D("0.50") - D("0.51")) - row.fee


def test_market_as_model_never_trades_even_without_thresholds() -> None:
    loose = ReplaySettings(strategy=StrategyParams(order_style=OrderStyle.TAKER, min_value=D(0), min_ev=D(0)))
    matches = [
        spec(date(2023, 3, 1), "Alpha A.", "Beta B.", 1.95, 1.95, a_won=True),
        spec(date(2023, 3, 1), "Gamma C.", "Delta D.", 1.30, 3.60, a_won=False, row=1),
        spec(date(2023, 3, 2), "Eps E.", "Zeta Z.", 5.0, 1.18, a_won=False, row=2),
    ]
    for half_spread in (D(0), D("0.01")):
        result = run(matches, MarketProbabilities(), StrategyActor(loose), bankroll=D(1000),
                     book=BookSpec(half_spread=half_spread))  # fmt: skip
        assert result.rows == []
        assert result.priced == 3


def test_one_position_per_match_and_same_day_exposure_counts() -> None:
    day = date(2023, 3, 1)
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    matches = [spec(day, f"{names[2 * i]} A.", f"{names[2 * i + 1]} B.", 1.95, 1.95, a_won=True, row=i)
               for i in range(3)]  # fmt: skip
    again = spec(day, "Alpha A.", "Bravo B.", 1.95, 1.95, a_won=True, row=0)
    result = run([*matches, again], Fixed(0.60), StrategyActor(TAKER), bankroll=D(1000))
    assert [r.bankroll for r in result.rows] == [D(1000)] * 3  # settled together in the evening
    assert len({r.event_ticker for r in result.rows}) == 3
    assert result.reasons["risk: already traded (one position per match)"] == 1
    # a tight exposure limit binds on the same day: the third match finds no room
    tight = replace(TAKER, strategy=replace(TAKER.strategy, sizing=replace(
        TAKER.strategy.sizing, max_exposure=D(11))))  # fmt: skip
    capped = run(matches, Fixed(0.60), StrategyActor(tight), bankroll=D(1000))
    # each trade ties up 10 x 0.51 + 0.175 = 5.275: two fit in 11, the third has room for none
    assert [r.contracts for r in capped.rows] == [D(10), D(10)]
    assert capped.reasons["fewer than whole contract fits the exposure room left"] == 1


def _limited(max_exposure: str) -> ReplaySettings:
    sizing = replace(TAKER.strategy.sizing, max_exposure=D(max_exposure))
    return replace(TAKER, strategy=replace(TAKER.strategy, sizing=sizing),
                   limits=replace(TAKER.limits, max_exposure=D(max_exposure)))  # fmt: skip


def test_the_last_order_of_a_day_is_shrunk_to_the_exposure_room_left() -> None:
    day = date(2023, 3, 1)
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    matches = [spec(day, f"{names[2 * i]} A.", f"{names[2 * i + 1]} B.", 1.95, 1.95, a_won=True, row=i)
               for i in range(3)]  # fmt: skip
    result = run(matches, Fixed(0.60), StrategyActor(_limited("13")), bankroll=D(1000))
    # 13 - 2 x 5.275 = 2.45 left: 4 contracts at 0.51 + ceil4(0.07 x 4 x 0.51 x 0.49) = 2.04 + 0.07
    assert [r.contracts for r in result.rows] == [D(10), D(10), D(4)]
    assert result.rows[-1].fee == D("0.0700")
    assert sum(r.contracts * r.price + r.fee for r in result.rows) <= D(13)
    assert not result.reasons  # nothing refused: the third order was made smaller, not dropped


# full Kelly and no per-match share: on a $40 bankroll Kelly wants 0.1534 x 40 / 0.5275 = 11 contracts,
# so max-size (10) binds and every order ties up 10 x 0.51 + 0.175 = 5.275
LOOSE = replace(TAKER, strategy=replace(TAKER.strategy, sizing=replace(
    TAKER.strategy.sizing, max_match_fraction=D(1), kelly_fraction=D(1))))  # fmt: skip
NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet",
         "Kilo", "Lima", "Mike", "November", "Oscar", "Papa"]  # fmt: skip


def test_cash_left_caps_a_day_s_orders() -> None:
    day = date(2023, 3, 1)
    matches = [spec(day, f"{NAMES[2 * i]} A.", f"{NAMES[2 * i + 1]} B.", 1.95, 1.95, a_won=True, row=i)
               for i in range(8)]  # fmt: skip
    result = run(matches, Fixed(0.60), StrategyActor(LOOSE), bankroll=D(40))
    # seven orders tie up 36.925; 3.075 is left: 5 contracts at 0.51 + ceil4(0.07 x 5 x 0.2499) = 2.6375
    assert [r.contracts for r in result.rows] == [D(10)] * 7 + [D(5)]
    assert sum(r.contracts * r.price + r.fee for r in result.rows) <= D(40)  # never more than the cash


def _losing_days(n: int, start: date, row: int = 0) -> list[MatchSpec]:
    """One match a day that the model backs (A at 0.60 against a fair 0.50) and A loses."""
    return [spec(date.fromordinal(start.toordinal() + i), f"{NAMES[i]} A.", f"{NAMES[i + 8]} B.", 1.95, 1.95,
                 a_won=False, row=row + i) for i in range(n)]  # fmt: skip


def _winning_days(n: int, start: date, row: int = 0) -> list[MatchSpec]:
    return [replace(m, a_won=True) for m in _losing_days(n, start, row)]


def _with_drawdown(limit: D | None) -> ReplaySettings:
    return replace(LOOSE, limits=replace(LOOSE.limits, max_drawdown=limit))


def test_trading_stops_after_the_max_drawdown_and_never_resumes_on_its_own() -> None:
    first = date(2023, 3, 1)
    # five losing days, then winners the model would back: equity would recover if it still traded
    matches = [*_losing_days(5, first), *_winning_days(5, date(2023, 3, 10), row=10)]
    trader = StrategyActor(_with_drawdown(D("0.25")))
    result = run(matches, Fixed(0.60), trader, bankroll=D(40))
    # 40 -> 34.725 (13.2% down) -> 29.45 (26.4% down): on the third morning no new positions
    assert [r.date for r in result.rows] == [first, date(2023, 3, 2)]
    assert result.end_bankroll == D("29.4500")
    assert trader.stopped is not None
    assert trader.stopped.day == date(2023, 3, 3)
    assert trader.state.value == "REDUCING"
    reason = trader.stopped.reason
    assert "equity $29.45 is 26.4% below its high-water mark $40.00 (max-drawdown 25%)" in reason
    assert result.reasons == {"risk: trading REDUCING: no new positions": 8}  # every later match


def test_max_drawdown_off_keeps_trading_through_the_losses() -> None:
    trader = StrategyActor(_with_drawdown(None))
    result = run(_losing_days(4, date(2023, 3, 1)), Fixed(0.60), trader, bankroll=D(40))
    assert len(result.rows) == 4
    assert trader.stopped is None


def test_the_high_water_mark_follows_the_bankroll_up() -> None:
    """Winning days raise the mark: a later fall is measured from the peak, not from the start."""
    matches = [*_winning_days(3, date(2023, 3, 1)), *_losing_days(6, date(2023, 3, 5), row=3)]
    trader = StrategyActor(_with_drawdown(D("0.25")))
    result = run(matches, Fixed(0.60), trader, bankroll=D(40))
    assert trader.peak == D(40) + 3 * D("4.7250")  # 54.175 after three wins of 10 x 0.49 - 0.175
    # 54.175 -> 48.9 -> 43.625 (19.5% down: still trading) -> 38.35 (29.2% down): stop on Mar 8
    assert len(result.rows) == 6
    assert trader.stopped is not None
    assert trader.stopped.day == date(2023, 3, 8)
    assert result.end_bankroll == D("38.3500")  # from the start it is only 4.1% down


def test_maker_orders_never_fill_against_the_closing_book() -> None:
    maker = ReplaySettings(strategy=StrategyParams(order_style=OrderStyle.MAKER))
    match = spec(date(2023, 3, 1), "Alpha A.", "Beta B.", 1.95, 1.95, a_won=True)
    result = run([match], Fixed(0.60), StrategyActor(maker), bankroll=D(1000))
    assert result.rows == []
    assert result.reasons["no crossing liquidity"] == 1


def test_model_weight_blends_with_the_book_before_trading_and_keeps_p_model_in_the_row() -> None:
    """Fair 0.50 (mid 0.50): the model's 0.65 takes the 0.51 ask alone; blended at w = 0.5 (0.5768,
    EV 9.3% on the 0.5275 all-in cost) it still clears min-ev; at w = 0.3 (0.5463, EV 3.6%) it does
    not; at w = 0 nothing trades."""
    match = spec(date(2023, 3, 1), "Alpha A.", "Beta B.", 1.95, 1.95, a_won=True)

    def rows(weight: float) -> list:  # type: ignore[type-arg]
        params = StrategyParams(order_style=OrderStyle.TAKER, model_weight=weight)
        trader = StrategyActor(ReplaySettings(strategy=params))
        return run([match], Fixed(0.65), trader, bankroll=D(1000), book=BookSpec()).rows

    [alone] = rows(1.0)
    assert alone.p_blend == alone.p_model == 0.65
    [half] = rows(0.5)
    assert half.p_model == 0.65
    assert abs(half.p_blend - 0.57676) < 1e-5  # sigmoid(0.5 x logit 0.65): the market's mid is 0.50
    assert half.edge == D(str(half.p_blend)) - D("0.51") - half.fee / half.contracts
    assert half.contracts <= alone.contracts
    assert rows(0.3) == []
    assert rows(0.0) == []
