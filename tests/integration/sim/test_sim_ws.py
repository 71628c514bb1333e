"""The simulator's WebSocket feed over loopback: auth on upgrade, snapshot + deltas, fills, faults."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from simhttp import TICKER, list_modena, now_ms, order_body, signed
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from courtside.kalshi.auth import auth_headers
from courtside.sim.testing import SimSession


def _headers(sim: SimSession) -> dict[str, str]:
    return auth_headers(sim.key_id, sim.private_key, "GET", sim.ws_url, now_ms())


async def _recv(ws: ClientConnection) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
    return frame


async def _until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        frame = await _recv(ws)
        if frame["type"] == kind:
            return frame


def _apply(book: dict[str, dict[str, str]], delta: dict[str, Any]) -> None:
    side = book[delta["side"]]
    size = float(side.get(delta["price_dollars"], "0")) + float(delta["delta_fp"])
    if size > 0:
        side[delta["price_dollars"]] = f"{size:.2f}"
    else:
        side.pop(delta["price_dollars"], None)


async def test_upgrade_without_valid_signature_is_401(sim_server: SimSession) -> None:
    bad = auth_headers(sim_server.key_id, sim_server.private_key, "GET", sim_server.base_url + "/x", now_ms())
    with pytest.raises(InvalidStatus) as info:
        async with connect(sim_server.ws_url, additional_headers=bad):
            pass
    assert info.value.response.status_code == 401


async def test_snapshot_and_deltas_reproduce_the_rest_book(sim_server: SimSession) -> None:
    list_modena(sim_server)
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        await ws.send(
            json.dumps(
                {
                    "id": 1,
                    "cmd": "subscribe",
                    "params": {"channels": ["orderbook_delta", "trade", "fill"], "market_tickers": [TICKER]},
                }
            )
        )
        replies = [await _recv(ws) for _ in range(4)]
        assert [r["msg"]["channel"] for r in replies[:1]] == ["orderbook_delta"]
        snapshot = next(r for r in replies if r["type"] == "orderbook_snapshot")
        assert snapshot["seq"] == 1
        assert snapshot["msg"]["yes_dollars_fp"] == [["0.4700", "3.00"]]
        assert snapshot["msg"]["no_dollars_fp"] == [["0.4800", "3.00"]]
        book = {"yes": dict(snapshot["msg"]["yes_dollars_fp"]), "no": dict(snapshot["msg"]["no_dollars_fp"])}
        assert (
            signed(sim_server, "POST", "/portfolio/events/orders", json=order_body(count="2")).status_code
            == 201
        )
        signed(
            sim_server,
            "POST",
            "/portfolio/events/orders",
            json=order_body(price="0.4000", time_in_force="good_till_canceled", client_order_id="mine-1"),
        )
        frames = [await _recv(ws) for _ in range(4)]  # fill, delta, trade, delta
        deltas = [f for f in frames if f["type"] == "orderbook_delta"]
        assert [d["seq"] for d in deltas] == [2, 3]
        for d in deltas:
            _apply(book, d["msg"])
        assert deltas[1]["msg"]["client_order_id"] == "mine-1"
        rest = httpx.get(f"{sim_server.base_url}/markets/{TICKER}/orderbook").json()["orderbook_fp"]
        assert book == {"yes": dict(rest["yes_dollars"]), "no": dict(rest["no_dollars"])}
        fill = next(f for f in frames if f["type"] == "fill")["msg"]
        assert (fill["yes_price_dollars"], fill["count_fp"], fill["fee_cost"]) == (
            "0.5200",
            "2.00",
            "0.035000",
        )  # ceil(0.034944)
        trade = next(f for f in frames if f["type"] == "trade")["msg"]
        assert trade["taker_book_side"] == "bid"
        assert trade["market_ticker"] == TICKER


async def test_dropped_delta_makes_a_seq_gap_and_get_snapshot_repairs(sim_server: SimSession) -> None:
    list_modena(sim_server)
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        await ws.send(
            json.dumps(
                {
                    "id": 1,
                    "cmd": "subscribe",
                    "params": {
                        "channels": ["orderbook_delta"],
                        "market_ticker": TICKER,
                        "use_yes_price": True,
                    },
                }
            )
        )
        await _recv(ws)
        snapshot = await _recv(ws)
        assert snapshot["msg"]["no_dollars_fp"] == [["0.5200", "3.00"]]  # NO bids quoted in YES price
        sim_server.control.fault(ws="drop_delta", count=1)
        sim_server.control.order(sim_server.mm_user_id, ticker=TICKER, side="bid", count="1", price="0.30")
        sim_server.control.order(sim_server.mm_user_id, ticker=TICKER, side="bid", count="1", price="0.31")
        delta = await _until(ws, "orderbook_delta")
        assert delta["seq"] == 3
        assert delta["msg"]["price_dollars"] == "0.3100"
        await ws.send(
            json.dumps(
                {"id": 2, "cmd": "update_subscription", "params": {"sids": [1], "action": "get_snapshot"}}
            )
        )
        fresh = await _until(ws, "orderbook_snapshot")
        assert fresh["seq"] == 4
        assert ["0.3000", "1.00"] in fresh["msg"]["yes_dollars_fp"]


async def test_commands_replies_and_errors(sim_server: SimSession) -> None:
    list_modena(sim_server, with_book=False)
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        await ws.send(
            json.dumps({"id": 1, "cmd": "subscribe", "params": {"channels": ["market_lifecycle_v2"]}})
        )
        assert await _recv(ws) == {
            "id": 1,
            "type": "subscribed",
            "msg": {"channel": "market_lifecycle_v2", "sid": 1},
        }
        await ws.send(
            json.dumps({"id": 2, "cmd": "subscribe", "params": {"channels": ["market_lifecycle_v2"]}})
        )
        assert (await _recv(ws))["msg"] == {"code": 6, "msg": "Already subscribed"}
        await ws.send(json.dumps({"id": 3, "cmd": "subscribe", "params": {"channels": ["nope"]}}))
        assert (await _recv(ws))["msg"]["code"] == 8
        await ws.send(json.dumps({"id": 4, "cmd": "dance"}))
        assert (await _recv(ws))["msg"]["code"] == 5
        await ws.send(json.dumps({"id": 5, "cmd": "list_subscriptions"}))
        assert (await _recv(ws))["msg"] == [{"channel": "market_lifecycle_v2", "sid": 1}]
        sim_server.control.add_event(
            {
                "event_ticker": "KXWTACHALLENGERMATCH-26JUN12AAABBB",
                "series_ticker": "KXWTACHALLENGERMATCH",
                "title": "Aaa vs Bbb",
            }
        )
        event = await _until(ws, "event_lifecycle")
        assert event["msg"]["event_ticker"] == "KXWTACHALLENGERMATCH-26JUN12AAABBB"
        sim_server.control.determine(TICKER, "yes")
        determined = await _until(ws, "market_lifecycle_v2")
        while determined["msg"]["event_type"] != "determined":
            determined = await _until(ws, "market_lifecycle_v2")
        assert determined["msg"]["result"] == "yes"
        assert determined["msg"]["market_ticker"] == TICKER
        await ws.send(json.dumps({"id": 6, "cmd": "unsubscribe", "params": {"sids": [1]}}))
        assert (await _until(ws, "unsubscribed"))["sid"] == 1


async def test_close_fault_ends_the_connection(sim_server: SimSession) -> None:
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        sim_server.control.fault(ws="close")
        with pytest.raises(Exception) as info:
            await asyncio.wait_for(ws.recv(), timeout=5)
        assert "1011" in str(info.value)


async def test_user_orders_and_positions_channels(sim_server: SimSession) -> None:
    list_modena(sim_server)
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        await ws.send(
            json.dumps(
                {"id": 1, "cmd": "subscribe", "params": {"channels": ["user_orders", "market_positions"]}}
            )
        )
        await _recv(ws)
        await _recv(ws)
        signed(sim_server, "POST", "/portfolio/events/orders", json=order_body(client_order_id="u-1"))
        seen: dict[str, dict[str, Any]] = {}
        while len(seen) < 2:
            frame = await _recv(ws)
            seen[frame["type"]] = frame["msg"]
        assert seen["user_order"]["client_order_id"] == "u-1"
        assert seen["user_order"]["status"] == "executed"
        assert seen["market_position"]["position_fp"] == "1.00"
        assert seen["market_position"]["market_ticker"] == TICKER


async def test_server_pings_carry_the_heartbeat_payload() -> None:
    from courtside.sim.server import SimServer
    from courtside.sim.testing import new_rsa_key, public_pem

    pings: list[bytes] = []

    class Spy(ClientConnection):
        def process_event(self, event: Any) -> None:
            if getattr(getattr(event, "opcode", None), "name", "") == "PING":
                pings.append(bytes(event.data))
            super().process_event(event)

    key = new_rsa_key()
    with SimServer(ws_ping_interval=0.2) as server:
        server.control.add_user("hb", public_pem(key), {3: "1"})
        headers = auth_headers("hb", key, "GET", server.ws_url, now_ms())
        async with connect(server.ws_url, additional_headers=headers, create_connection=Spy):
            await asyncio.sleep(0.7)
    assert pings
    assert set(pings) == {b"heartbeat"}


async def test_add_markets_sends_a_snapshot_for_the_new_market(sim_server: SimSession) -> None:
    list_modena(sim_server)
    other = TICKER.replace("-LEP", "-JIM")
    async with connect(sim_server.ws_url, additional_headers=_headers(sim_server)) as ws:
        await ws.send(
            json.dumps(
                {
                    "id": 1,
                    "cmd": "subscribe",
                    "params": {"channels": ["orderbook_delta"], "market_tickers": [TICKER]},
                }
            )
        )
        await _until(ws, "orderbook_snapshot")
        await ws.send(
            json.dumps(
                {
                    "id": 2,
                    "cmd": "update_subscription",
                    "params": {"sid": 1, "market_tickers": [other], "action": "add_markets"},
                }
            )
        )
        snap = await _until(ws, "orderbook_snapshot")
        assert snap["msg"]["market_ticker"] == other
        assert snap["seq"] == 2
        ok = await _until(ws, "ok")
        assert ok["msg"]["market_tickers"] == sorted([TICKER, other])
