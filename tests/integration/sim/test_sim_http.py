"""The simulator over real loopback HTTP with signed requests, checked against recorded Kalshi responses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from simhttp import EVENT, TICKER, formats_match, list_modena, now_ms, order_body, recorded, signed

from courtside.sim.testing import SimSession

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_market_and_orderbook_match_the_recorded_shapes(sim_server: SimSession, recorded_dir: Path) -> None:
    list_modena(sim_server)
    market = httpx.get(f"{sim_server.base_url}/markets/{TICKER}").json()
    assert formats_match(market, recorded(recorded_dir, "markets__single")) == []
    m = market["market"]
    assert (m["yes_bid_dollars"], m["yes_ask_dollars"], m["no_bid_dollars"], m["no_ask_dollars"]) == (
        "0.4700",
        "0.5200",
        "0.4800",
        "0.5300",
    )
    book = httpx.get(f"{sim_server.base_url}/markets/{TICKER}/orderbook").json()
    assert book == recorded(recorded_dir, "orderbook__base")  # {"yes": 0.47 x3, "no": 0.48 x3}
    status = httpx.get(f"{sim_server.base_url}/exchange/status").json()
    assert status["exchange_active"]
    assert status["trading_active"]


def test_taker_order_fills_and_portfolio_matches_recordings(
    sim_server: SimSession, recorded_dir: Path
) -> None:
    list_modena(sim_server)
    created = signed(sim_server, "POST", "/portfolio/events/orders", json=order_body(client_order_id="c-1"))
    assert created.status_code == 201
    assert formats_match(created.json(), recorded(recorded_dir, "orders__create_v2_taker_ioc")) == []
    assert created.json()["average_fill_price"] == "0.5200"
    assert created.json()["average_fee_paid"] == "0.0175"
    for path, name in [
        ("/portfolio/orders?limit=10", "portfolio__orders_list"),
        ("/portfolio/fills?limit=10", "fills__after_taker"),
        ("/portfolio/positions", "portfolio__positions"),
        ("/portfolio/balance", "auth__balance_ok"),
        ("/portfolio/settlements?limit=10", "settlements__page"),
    ]:
        response = signed(sim_server, "GET", path)
        assert response.status_code == 200, path
        assert formats_match(response.json(), recorded(recorded_dir, name)) == [], path
    balance = signed(sim_server, "GET", "/portfolio/balance").json()
    assert Decimal(balance["balance_dollars"]) == Decimal("2000") - Decimal("0.52") - Decimal("0.0175")
    assert balance["balance"] == 199946
    assert {b["exchange_index"] for b in balance["balance_breakdown"]} == {
        0,
        3,
    }


def test_order_errors_have_kalshi_bodies(sim_server: SimSession, recorded_dir: Path) -> None:
    list_modena(sim_server)
    cases = [
        (order_body(price="0.5150"), 400, "orders__invalid_price_structure"),
        (order_body(count=1), 400, "orders__numeric_field_types"),
        (
            order_body(price="0.5200", post_only=True, time_in_force="good_till_canceled"),
            400,
            "orders__post_only_cross",
        ),
        (order_body(count="100000"), 400, "orders__insufficient_balance"),
    ]
    for body, status, name in cases:
        response = signed(sim_server, "POST", "/portfolio/events/orders", json=body)
        expected = recorded(recorded_dir, name)
        expected.get("error", {}).pop("service", None)
        assert (response.status_code, response.json()) == (status, expected), name


def test_client_order_id_reuse_and_double_cancel(sim_server: SimSession, recorded_dir: Path) -> None:
    list_modena(sim_server)
    body = order_body(price="0.0100", time_in_force="good_till_canceled", client_order_id="reuse-me")
    order_id = signed(sim_server, "POST", "/portfolio/events/orders", json=body).json()["order_id"]
    cancel = signed(sim_server, "DELETE", f"/portfolio/events/orders/{order_id}")
    assert cancel.status_code == 200
    assert cancel.json()["reduced_by"] == "1.00"
    again = signed(sim_server, "DELETE", f"/portfolio/events/orders/{order_id}")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "not_found"
    dup = signed(sim_server, "POST", "/portfolio/events/orders", json=body)
    assert dup.status_code == 409
    assert dup.json()["error"]["code"] == "order_already_exists"
    order = signed(sim_server, "GET", f"/portfolio/orders/{order_id}").json()["order"]
    assert order["status"] == "canceled"
    assert order["remaining_count_fp"] == "0.00"


def test_auth_failures(sim_server: SimSession, recorded_dir: Path) -> None:
    url_with_query = sim_server.base_url + "/portfolio/orders?limit=5"
    assert signed(sim_server, "GET", "/portfolio/orders?limit=5").status_code == 200
    bad = signed(sim_server, "GET", "/portfolio/orders?limit=5", sign_path=url_with_query.replace("?", "%3F"))
    assert bad.status_code == 401
    assert bad.json() == recorded(recorded_dir, "auth__bad_signature")
    stale = signed(sim_server, "GET", "/portfolio/balance", skew_ms=-30_000)
    assert stale.status_code == 401
    assert stale.json() == recorded(recorded_dir, "auth__skew_minus30s")
    missing = httpx.get(sim_server.base_url + "/portfolio/balance")
    assert missing.status_code == 401
    assert missing.json() == recorded(recorded_dir, "auth__missing_signature_header")


def test_market_lists_paginate_filter_and_validate(sim_server: SimSession, recorded_dir: Path) -> None:
    list_modena(sim_server, with_book=False)
    sim_server.control.set_status(f"{EVENT}-JIM", "closed")
    base = sim_server.base_url
    over = httpx.get(f"{base}/markets?limit=1001")
    assert over.status_code == 400
    assert over.json() == recorded(recorded_dir, "markets__limit_over_max")
    first = httpx.get(f"{base}/markets?limit=1").json()
    second = httpx.get(f"{base}/markets", params={"limit": 1, "cursor": first["cursor"]}).json()
    assert first["cursor"]
    assert second["cursor"] == ""
    assert {first["markets"][0]["ticker"], second["markets"][0]["ticker"]} == {TICKER, f"{EVENT}-JIM"}
    garbage = httpx.get(f"{base}/markets", params={"limit": 1, "cursor": "garbage-cursor-fixture"}).json()
    assert garbage["markets"] == first["markets"]
    assert [m["ticker"] for m in httpx.get(f"{base}/markets?status=open").json()["markets"]] == [TICKER]
    assert [m["status"] for m in httpx.get(f"{base}/markets?status=closed").json()["markets"]] == ["closed"]
    events = httpx.get(
        f"{base}/events", params={"series_ticker": "KXWTACHALLENGERMATCH", "with_nested_markets": "true"}
    ).json()
    assert [len(e["markets"]) for e in events["events"]] == [2]
    assert events["cursor"] == ""


def test_settlement_over_http(sim_server: SimSession) -> None:
    list_modena(sim_server)
    signed(sim_server, "POST", "/portfolio/events/orders", json=order_body(count="2", price="0.5200"))
    sim_server.control.determine(TICKER, "scalar", "0.44")
    sim_server.control.settle(TICKER)
    settlement = signed(sim_server, "GET", "/portfolio/settlements").json()["settlements"][0]
    assert (settlement["market_result"], settlement["revenue"], settlement["value"]) == ("scalar", 88, 44)
    assert signed(sim_server, "GET", "/portfolio/positions").json()["market_positions"] == []
    market = httpx.get(f"{sim_server.base_url}/markets/{TICKER}").json()["market"]
    assert market["status"] == "finalized"
    assert market["settlement_value_dollars"] == "0.4400"
    assert (market["yes_bid_dollars"], market["yes_ask_dollars"]) == ("0.0000", "1.0000")


def test_faults_429_and_dropped_response_leave_the_order_placed(sim_server: SimSession) -> None:
    list_modena(sim_server)
    sim_server.control.fault(status=429, count=1, path_regex="/portfolio/balance")
    limited = signed(sim_server, "GET", "/portfolio/balance")
    assert (limited.status_code, limited.json()) == (429, {"error": "too many requests"})
    assert signed(sim_server, "GET", "/portfolio/balance").status_code == 200
    sim_server.control.fault(drop_after_send=True, path_regex="/portfolio/events/orders$", method="POST")
    with pytest.raises(httpx.TransportError):
        signed(sim_server, "POST", "/portfolio/events/orders", json=order_body(client_order_id="lost-1"))
    orders = signed(sim_server, "GET", "/portfolio/orders").json()["orders"]
    assert [(o["client_order_id"], o["status"]) for o in orders] == [("lost-1", "executed")]


def test_rate_limit_answers_429_when_enabled(sim_server: SimSession) -> None:
    sim_server.control.configure(rate_limit_enabled=True, read_tokens_per_s=5)
    try:
        statuses = [signed(sim_server, "GET", "/portfolio/balance").status_code for _ in range(3)]
        other = signed(sim_server, "GET", "/markets").status_code  # public data costs no tokens
    finally:
        sim_server.control.configure(rate_limit_enabled=False, read_tokens_per_s=200)
    assert statuses == [200, 429, 429]
    assert other == 200


async def test_in_process_asgi_transport() -> None:
    from courtside.sim.app import create_app
    from courtside.sim.exchange import SimExchange

    app = create_app(SimExchange(seed=3))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim") as client:
        assert (await client.post("/_sim/series", json={"ticker": "KXATPMATCH"})).status_code == 200
        series = (await client.get("/trade-api/v2/series/KXATPMATCH")).json()["series"]
        assert series["fee_type"] == "quadratic_with_maker_fees"
        assert series["tags"] == ["Tennis"]
        assert (await client.get("/trade-api/v2/nowhere")).status_code == 404
        assert (await client.get("/trade-api/v2/portfolio/balance")).status_code == 401


def test_batch_amend_decrease_and_cancel_all(sim_server: SimSession) -> None:
    list_modena(sim_server)
    resting = order_body(price="0.2000", count="5", time_in_force="good_till_canceled")
    batch = signed(
        sim_server,
        "POST",
        "/portfolio/events/orders/batched",
        json={"orders": [resting, order_body(price="0.5150")]},
    )
    assert batch.status_code == 201
    ok, bad = batch.json()["orders"]
    assert ok["error"] is None
    assert ok["remaining_count"] == "5.00"
    assert bad["error"]["code"] == "invalid_price"
    order_id = ok["order_id"]
    decreased = signed(
        sim_server, "POST", f"/portfolio/events/orders/{order_id}/decrease", json={"reduce_by": "2"}
    )
    assert decreased.json()["remaining_count"] == "3.00"
    amend = {"ticker": TICKER, "side": "bid", "price": "0.5200", "count": "3"}
    amended = signed(sim_server, "POST", f"/portfolio/events/orders/{order_id}/amend", json=amend).json()
    assert (amended["fill_count"], amended["remaining_count"], amended["average_fill_price"]) == (
        "3.00",
        "0.00",
        "0.5200",
    )
    signed(sim_server, "POST", "/portfolio/events/orders", json=resting)
    cancelled = signed(sim_server, "DELETE", "/portfolio/events/orders").json()["orders"]
    assert [c["reduced_by"] for c in cancelled] == ["5.00"]
    assert signed(sim_server, "GET", "/portfolio/orders?status=resting").json()["orders"] == []


def test_legacy_orders_fail_loudly_and_transfer_moves_shards(sim_server: SimSession) -> None:
    legacy = signed(sim_server, "POST", "/portfolio/orders", json={"ticker": TICKER})
    assert legacy.status_code == 400
    assert legacy.json()["error"]["code"] == "deprecated"
    body = {
        "source": "event_contract",
        "destination": "event_contract",
        "amount": 250_000,
        "source_exchange_shard": 0,
        "destination_exchange_shard": 3,
    }
    assert (
        "transfer_id"
        in signed(sim_server, "POST", "/portfolio/intra_exchange_instance_transfer", json=body).json()
    )
    shards = {
        b["exchange_index"]: b["balance"]
        for b in signed(sim_server, "GET", "/portfolio/balance").json()["balance_breakdown"]
    }
    assert shards == {0: "975.0000", 3: "1025.0000"}


def test_gtc_expiry_happens_without_traffic(sim_server: SimSession) -> None:
    import time

    list_modena(sim_server)
    expiry = int(time.time()) + 1
    body = order_body(price="0.1000", time_in_force="good_till_canceled", expiration_time=expiry)
    order_id = signed(sim_server, "POST", "/portfolio/events/orders", json=body).json()["order_id"]
    time.sleep(1.5)  # the server's ticker thread cancels it
    order = sim_server.exchange.orders[order_id]
    assert order.status.value == "canceled"
    assert order.last_update_reason == "Expired"


def test_read_only_key_cannot_trade(sim_server: SimSession) -> None:
    from courtside.sim.testing import public_pem

    list_modena(sim_server)
    sim_server.control.add_user(
        sim_server.key_id + "-ro", public_pem(sim_server.private_key), {3: "10"}, scopes=("read",)
    )
    url = sim_server.base_url + "/portfolio/events/orders"
    from courtside.kalshi.auth import auth_headers

    headers = auth_headers(sim_server.key_id + "-ro", sim_server.private_key, "POST", url, now_ms())
    refused = httpx.post(url, json=order_body(), headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_service_unavailable_fault_body(sim_server: SimSession) -> None:
    sim_server.control.fault(status=503, count=2, path_regex="/markets")
    first = httpx.get(sim_server.base_url + "/markets")
    assert first.status_code == 503
    assert first.json()["error"]["code"] == "service_unavailable"
    assert httpx.get(sim_server.base_url + "/markets").status_code == 503
    assert httpx.get(sim_server.base_url + "/markets").status_code == 200


def test_determined_market_matches_the_recorded_closed_shape(
    sim_server: SimSession, recorded_dir: Path
) -> None:
    list_modena(sim_server)
    sim_server.control.determine(TICKER, "no")
    closed = httpx.get(
        sim_server.base_url + "/markets", params={"status": "closed", "tickers": TICKER}
    ).json()
    expected = recorded(recorded_dir, "markets__status_closed")
    del expected["markets"][0]["expiration_value"]  # "2.0" on that (baseball) market; tennis gives the winner
    assert formats_match(closed, expected) == []
    market = closed["markets"][0]
    assert market["expiration_value"] == "Victoria Jimenez Kasintseva"
    assert (market["status"], market["result"], market["settlement_value_dollars"]) == (
        "determined",
        "no",
        "0.0000",
    )
    assert (market["yes_bid_dollars"], market["yes_ask_dollars"]) == (
        "0.0000",
        "1.0000",
    )  # resting orders gone


def test_stale_reads_show_a_cancelled_order_as_resting_for_a_while(sim_server: SimSession) -> None:
    list_modena(sim_server)
    sim_server.control.fault(stale_reads_ms=60_000)
    body = order_body(price="0.0100", time_in_force="good_till_canceled")
    order_id = signed(sim_server, "POST", "/portfolio/events/orders", json=body).json()["order_id"]
    assert signed(sim_server, "DELETE", f"/portfolio/events/orders/{order_id}").status_code == 200
    stale = signed(sim_server, "GET", f"/portfolio/orders/{order_id}").json()["order"]
    assert stale["status"] == "resting"  # recorded/orders__get_after_cancel.json
    assert signed(sim_server, "DELETE", f"/portfolio/events/orders/{order_id}").status_code == 404
    sim_server.control.advance(61_000)
    assert signed(sim_server, "GET", f"/portfolio/orders/{order_id}").json()["order"]["status"] == "canceled"
