"""A Kalshi-compatible simulated exchange: matching, accounts, settlement, WebSocket, faults, tennis listings.

`SimExchange` is the venue in-process (injected clock, seeded ids); `create_app` serves it as ASGI
(in-process through httpx.ASGITransport); `SimServer` runs it with uvicorn on loopback; `SimControl`
drives the /_sim test-control API; `generator` lists realistic tennis markets (kalshi-api.md §8).
"""
