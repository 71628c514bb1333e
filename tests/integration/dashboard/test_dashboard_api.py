"""The dashboard's JSON API and page over a journal the trader wrote against the simulator (issue 12,
items 1, 2 and 4): every figure equals the journal's, /healthz follows the last scan, the controls need
the token and act as `courtside kill` and `cancel-all` do, journalled with who, the token nowhere."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from dashboard_day import TOKEN, Day

from courtside.domain.clock import ManualClock
from courtside.store.operator import OperatorLog

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_every_figure_of_the_book_is_the_journals(day: Day) -> None:
    journal = day.site.journal
    async with day.client() as c:
        r = await c.get("/api/book")
    assert r.status_code == 200
    book = r.json()
    mark = journal.equity_mark()
    assert mark is not None
    assert Decimal(book["equity"]["equity"]) == mark.equity
    assert Decimal(book["equity"]["peak"]) == mark.peak
    assert book["state"]["state"] == "ACTIVE"
    (resting,) = book["resting"]
    (row,) = journal.orders(statuses=("resting",))
    assert resting["client_order_id"] == row.client_order_id
    assert Decimal(resting["filled"]) == row.fill_count == 4
    assert resting["match"] == "Alexander Zverev vs Karen Khachanov"
    assert resting["route"] == "buy YES Alexander Zverev"
    assert resting["start"] is not None
    assert resting["to_start_s"] > 0
    assert Decimal(resting["value_edge"]) > 0
    (position,) = book["positions"]
    (held,) = journal.positions()
    assert (Decimal(position["contracts"]), Decimal(position["cost"])) == (abs(held.position), held.exposure)
    assert position["mark"] is not None
    assert len(book["scans"]) == len(journal.scans()) == 2
    assert book["scans"][0]["matches"] == journal.scans()[-1].matches
    assert any(d["decision"] == "taken" for d in book["decisions"])
    assert Decimal(book["pnl"]["fees_all_time"]) == sum(f.fee for f in journal.fills())
    assert book["curve"], "every scan that places orders adds a point to the equity curve"


async def test_the_page_shows_the_same_figures(day: Day) -> None:
    async with day.client() as c:
        page = (await c.get("/")).text
        book = (await c.get("/api/book")).json()
    equity = Decimal(book["equity"]["equity"])
    assert f'data-figure="equity">${equity:,.2f}<' in page
    assert 'data-figure="state">ACTIVE<' in page
    assert "Alexander Zverev vs Karen Khachanov" in page
    assert "<svg" in page
    assert "cdn" not in page.lower()


async def test_healthz_follows_the_last_scan(day: Day) -> None:
    async with day.client() as c:
        assert (await c.get("/healthz")).status_code == 200
    last = day.site.journal.scans()[-1].finished_at
    assert last is not None
    interval = day.site.ctx.scan_interval
    late = replace(day.site, clock=ManualClock(last + timedelta(seconds=2 * interval + 1)))
    async with Day(day.h, late).client() as c:
        r = await c.get("/healthz")
    assert r.status_code == 503
    assert "over" in r.json()["detail"]


async def test_reading_beyond_loopback_needs_the_token(day: Day) -> None:
    async with day.client("192.168.7.7") as c:
        assert (await c.get("/api/book")).status_code == 401  # from elsewhere: the token, or nothing
        assert (await c.get("/api/book", headers=AUTH)).status_code == 200
        assert (await c.get("/healthz")).status_code == 200  # for systemd, Docker, an uptime monitor


@pytest.mark.parametrize("action", ["kill", "reducing", "resume", "cancel-all"])
async def test_controls_without_the_token_are_refused_and_change_nothing(day: Day, action: str) -> None:
    async with day.client() as c:
        none = await c.post(f"/api/{action}", json={})
        wrong = await c.post(
            f"/api/{action}", json={}, headers={"Authorization": "Bearer not-the-token-at-all"}
        )
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 403
    assert day.site.journal.state()[0] == "ACTIVE"
    assert not day.site.ctx.kill_file.exists()
    assert OperatorLog(day.site.journal).controls() == []


async def test_kill_halts_cancels_on_the_exchange_and_journals_who(
    day: Day, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with day.client() as c:
        r = await c.post("/api/kill", json={"reason": "going offline", "by": "alice"}, headers=AUTH)
        book = (await c.get("/api/book")).json()
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "HALTED"
    assert "alice" in done["who"]
    assert "127.0.0.1" in done["who"]
    cancelled = [o for c in done["cancels"] for o in c["cancelled"]]
    assert len(cancelled) == 1
    assert [o for o in await day.h.exchange_orders() if o.status.value == "resting"] == []
    assert day.site.ctx.kill_file.exists()
    assert book["state"]["state"] == "HALTED"
    (control,) = OperatorLog(day.site.journal).controls()
    assert (control.action, control.reason) == ("kill", "going offline")
    assert "alice" in control.who
    db = day.h.tmp / "journal.db"
    assert TOKEN.encode() not in db.read_bytes()
    assert TOKEN not in caplog.text


async def test_resume_after_reducing_and_cancel_all_of_one_book(day: Day) -> None:
    async with day.client() as c:
        assert (await c.post("/api/reducing", json={}, headers=AUTH)).json()["state"] == "REDUCING"
        assert day.site.journal.state()[0] == "REDUCING"
        assert (await c.post("/api/resume", json={}, headers=AUTH)).json()["state"] == "ACTIVE"
        done = (await c.post("/api/cancel-all", json={"mode": "live"}, headers=AUTH)).json()
    assert [r["mode"] for r in done["cancels"]] == ["live"]
    assert len(done["cancels"][0]["cancelled"]) == 1
    assert day.site.journal.state()[0] == "ACTIVE"  # cancel-all only cancels
    assert [c.action for c in OperatorLog(day.site.journal).controls()] == [
        "cancel-all",
        "resume",
        "reducing",
    ]


async def test_the_api_is_documented(day: Day) -> None:
    async with day.client() as c:
        schema = (await c.get("/openapi.json")).json()
        docs = await c.get("/docs")
    paths = set(schema["paths"])
    assert {
        "/healthz",
        "/api/overview",
        "/api/book",
        "/api/kill",
        "/api/reducing",
        "/api/resume",
        "/api/cancel-all",
    } <= paths
    assert "BookView" in schema["components"]["schemas"]
    assert docs.status_code == 404  # Swagger UI would load from a CDN: not served
