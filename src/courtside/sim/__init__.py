"""A Kalshi-compatible simulated exchange: matching, accounts, settlement, WebSocket, faults, tennis listings.

`SimExchange` is the venue in-process (injected clock, seeded ids); `create_app` serves it as ASGI
(in-process through httpx.ASGITransport); `SimServer` runs it with uvicorn on loopback; `SimControl`
drives the /_sim test-control API; `generator` lists realistic tennis markets (kalshi-api.md §8).
"""

from __future__ import annotations

from courtside.sim.app import create_app
from courtside.sim.control import SimControl
from courtside.sim.engine import OrderSpec, Placement
from courtside.sim.exchange import SimExchange
from courtside.sim.server import SimServer
from courtside.sim.state import SimConfig

__all__ = ["OrderSpec", "Placement", "SimConfig", "SimControl", "SimExchange", "SimServer", "create_app"]
