"""The real venue: Kalshi Trade API v2 over httpx (REST) and websockets (WS).

env.py        resolve_env("prod"|"demo"|URL) -> Endpoints
auth.py       sign(), KalshiAuth (httpx.Auth), Credentials.from_env(), load_private_key()
http.py       KalshiHttp: rate limit, sign, map errors, retry GETs (writes only on 429), follow cursors
rest.py       KalshiClient: holds a KalshiHttp; one method per endpoint, domain types out
writes.py     the wire side of V2 order writes (bodies, batch items)
venue.py      KalshiVenue: the Venue port over a KalshiClient; creates made idempotent by client_order_id
parse*.py     wire -> domain (strict on the fields we use), fields.py the strict reader
errors.py     the four error-body shapes -> domain/errors.py
ratelimit.py  read/write token buckets sized from GET /account/limits
book.py       LocalBook kept from WS snapshots and signed deltas
ws.py         KalshiWebSocket: subscriptions, seq-gap recovery, reconnect, typed events
doctor.py     the checks behind `courtside doctor`
"""
