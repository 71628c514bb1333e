"""The real venue: Kalshi Trade API v2 over httpx (REST) and websockets (WS).

env.py        resolve_env("prod"|"demo"|URL) -> Endpoints
auth.py       sign(), KalshiAuth (httpx.Auth), Credentials.from_env(), load_private_key()
http.py       KalshiHttp: rate limit, sign, map errors, retry GETs, follow cursors
writes.py     order writes; creates resolved by client_order_id when the answer is lost
rest.py       KalshiClient: one method per endpoint, domain types out
parse*.py     wire -> domain (strict on the fields we use), wire.py the strict reader
errors.py     the four error-body shapes -> domain/errors.py
ratelimit.py  read/write token buckets sized from GET /account/limits
book.py       LocalBook kept from WS snapshots and signed deltas
ws.py         KalshiWebSocket: subscriptions, seq-gap recovery, reconnect, typed events
doctor.py     the checks behind `courtside doctor`
"""

from courtside.kalshi.auth import Credentials, KalshiAuth, load_private_key
from courtside.kalshi.env import Endpoints, resolve_env
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.results import CancelResult
from courtside.kalshi.ws import KalshiWebSocket

__all__ = [
    "CancelResult",
    "Credentials",
    "Endpoints",
    "KalshiAuth",
    "KalshiClient",
    "KalshiWebSocket",
    "load_private_key",
    "resolve_env",
]
