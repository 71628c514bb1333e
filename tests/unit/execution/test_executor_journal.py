"""Executor + journal against the paper venue: intent before send, idempotent ids, resolution."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine

from courtside.domain.clock import ManualClock
from courtside.domain.errors import InsufficientBalanceError, OutcomeUnknownError
from courtside.domain.orders import OrderAck, OrderRequest
from courtside.execution.executor import RESEND_MAX_AGE, Executor
from courtside.execution.reconcile import reconcile
from courtside.markets.match import parse_match
from courtside.store.journal import Journal
from courtside.strategy.decide import OrderIntent, PricedMatch, StrategyParams, StrategyState, decide
from courtside.venue.paper import PaperVenue
from trader_factories import NOW, FakeData, book, event, series


def _setup() -> tuple[Any, Journal, PaperVenue, ManualClock, OrderIntent]:
    clock, data = ManualClock(NOW), FakeData()
    m = parse_match(event(), series())
    a, b = m.tickers
    data.books = {
        a: book(a, yes=[("0.50", "100")], no=[("0.48", "20")]),
        b: book(b, yes=[("0.44", "30")], no=[("0.54", "40")]),
    }
    engine = create_engine("sqlite://")
    journal = Journal(engine, "paper", exchange="test")
    paper = PaperVenue(data, engine, clock, exchange="test")
    intent = decide(
        PricedMatch(m, 0.6),
        data.books,
        StrategyParams(max_hours=1000),
        StrategyState(NOW, Decimal(1000), Decimal(0)),
    )
    assert isinstance(intent, OrderIntent)
    return data, journal, paper, clock, intent


class Lost(PaperVenue):
    """The venue took the order but the answer never came back."""

    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        await super().place(req, again=again)
        raise OutcomeUnknownError("read timeout", client_order_id=req.client_order_id)


class Refuses(PaperVenue):
    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        raise InsufficientBalanceError("insufficient balance", status=400, code="insufficient_balance")


def _twin(kind: type[PaperVenue], paper: PaperVenue) -> PaperVenue:
    """Another venue object over the same market data and ledger (a second process, say)."""
    return kind(paper.market_data, paper.engine, paper.clock, exchange="test")


async def test_place_records_the_intent_then_the_answer() -> None:
    _, journal, paper, clock, intent = _setup()
    placed = await Executor(paper, journal, clock).place(intent)
    assert placed.status == "resting"
    (row,) = journal.orders()
    assert (row.status, row.order_id, row.client_order_id) == (
        "resting",
        placed.order_id,
        placed.client_order_id,
    )
    assert journal.traded_events() == {intent.event_ticker}


async def test_same_decision_same_day_is_one_order_even_with_the_journal_lost() -> None:
    _, journal, paper, clock, intent = _setup()
    first = await Executor(paper, journal, clock).place(intent)
    fresh = Journal(create_engine("sqlite://"), "paper", exchange="test")  # the journal is gone
    # the exchange remembers
    again = await Executor(paper, fresh, clock).place(intent)
    assert again.client_order_id == first.client_order_id
    assert again.order_id == first.order_id
    assert len(await paper.orders()) == 1


async def test_lost_answer_is_resolved_by_client_order_id_on_reconcile() -> None:
    _, journal, paper, clock, intent = _setup()
    placed = await Executor(_twin(Lost, paper), journal, clock).place(intent)
    assert placed.status == "unknown"
    rec = await reconcile(paper, Executor(paper, journal, clock), journal)
    (row,) = journal.orders()
    assert (row.status, row.order_id) == ("resting", (await paper.orders())[0].order_id)
    assert rec.unresolved == ()
    assert rec.exposure == intent.count * intent.quote.price


async def test_an_intent_that_never_reached_the_exchange_is_sent_with_the_same_id() -> None:
    _, journal, paper, clock, intent = _setup()
    ex = Executor(paper, journal, clock)
    row = journal.record_intent(ex._new_order(intent, None), NOW)  # crash before the send
    await reconcile(paper, ex, journal)
    (order,) = await paper.orders()
    assert order.client_order_id == row.client_order_id
    assert [(r.status, r.order_id) for r in journal.orders()] == [("resting", order.order_id)]
    assert journal.traded_events() == {intent.event_ticker}


async def test_a_pending_order_is_retried_not_replaced_by_a_new_attempt() -> None:
    _, journal, paper, clock, intent = _setup()
    ex = Executor(paper, journal, clock)
    row = journal.record_intent(ex._new_order(intent, None), NOW)
    await reconcile(paper, ex, journal, resend=False)  # scan-only: left pending, not sent
    assert [r.status for r in journal.orders()] == ["intent"]
    assert await paper.orders() == []
    placed = await ex.place(intent)
    assert placed.client_order_id == row.client_order_id
    assert len(await paper.orders()) == 1


async def test_a_refused_order_frees_the_match_and_says_why() -> None:
    _, journal, paper, clock, intent = _setup()
    placed = await Executor(_twin(Refuses, paper), journal, clock).place(intent)
    assert placed.status == "rejected"
    assert "insufficient" in journal.orders()[0].detail
    assert journal.traded_events() == set()


async def test_an_order_unseen_for_long_is_not_resent_at_a_stale_price() -> None:
    _, journal, paper, clock, intent = _setup()
    ex = Executor(paper, journal, clock)
    journal.record_intent(ex._new_order(intent, None), NOW)  # crash before the send
    clock.advance(RESEND_MAX_AGE + timedelta(minutes=1))  # a long outage before the restart
    rec = await reconcile(paper, ex, journal)
    assert await paper.orders() == []
    assert [r.status for r in journal.orders()] == ["not_placed"]
    assert rec.unresolved == ()
    assert journal.traded_events() == set()  # free for a fresh decision at today's prices


async def test_no_new_attempt_id_while_the_earlier_order_rests() -> None:
    """The issue's duplicate: a second trader on the journal, its view of the match from before the
    first one's order, must not mint `-r1` while that order rests; once the exchange confirms it gone
    (cancelled unfilled), a new attempt may be made."""
    _, journal, paper, clock, intent = _setup()
    first = await Executor(paper, journal, clock).place(intent)
    assert first.status == "resting"
    second = await Executor(paper, journal, clock).place(intent)
    assert (second.status, second.client_order_id) == ("duplicate-skip", first.client_order_id)
    assert "earlier attempt is resting" in second.detail
    assert len(await paper.orders()) == 1
    (row,) = journal.orders()
    assert await Executor(paper, journal, clock).cancel(row, "edge gone")
    third = await Executor(paper, journal, clock).place(intent)
    assert third.status == "resting"
    assert third.client_order_id == first.client_order_id + "-r1"
