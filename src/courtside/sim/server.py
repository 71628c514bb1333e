"""SimServer: the simulator served by uvicorn on 127.0.0.1 in a background thread.

`with SimServer() as sim:` gives `sim.base_url` (…/trade-api/v2), `sim.ws_url`, `sim.port`,
`sim.control` (a SimControl) and `sim.exchange` for in-process inspection.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType

import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from courtside.domain.clock import Clock
from courtside.domain.errors import ConfigError
from courtside.sim.app import PREFIX, create_app
from courtside.sim.context import SimContext
from courtside.sim.control import SimControl
from courtside.sim.exchange import SimExchange
from courtside.sim.state import SimConfig
from courtside.sim.ws import WS_PATH


class HeartbeatProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, pinging with Kalshi's `heartbeat` payload (kalshi-api.md §3)."""

    def send_keepalive_ping(self) -> None:
        self.ping_timer = None
        if self.close_sent or self.transport.is_closing():
            return
        self.pending_ping_payload = b"heartbeat"
        self.ping_sent_at = self.loop.time()
        self.conn.send_ping(self.pending_ping_payload)
        self.transport.write(b"".join(self.conn.data_to_send()))
        if self.ping_timeout is not None:
            self.pong_timer = self.loop.call_later(self.ping_timeout, self.keepalive_timeout)
        else:
            self.schedule_ping()


def require_loopback(host: str) -> None:
    """The simulator has no business on a public interface: refuse anything but loopback."""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"refusing to serve the simulator on {host!r}: loopback addresses only")


class SimServer:
    """Runs `create_app(exchange)` under uvicorn until `stop()` (or the end of the `with` block)."""

    def __init__(
        self,
        exchange: SimExchange | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        seed: int = 0,
        config: SimConfig | None = None,
        ws_ping_interval: float = 10.0,
        log_level: str = "warning",
    ) -> None:
        require_loopback(host)
        self.exchange = exchange or SimExchange(clock, seed=seed, config=config)
        self.context = SimContext(self.exchange)
        self.app = create_app(self.exchange, self.context)
        self.host = host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted sockets (else ~40 ms per response)
        self._sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind((host, port))
        self.port: int = self._sock.getsockname()[1]
        cfg = uvicorn.Config(
            self.app,
            log_level=log_level,
            ws=HeartbeatProtocol,
            ws_ping_interval=ws_ping_interval,
            ws_ping_timeout=ws_ping_interval * 2,
            lifespan="off",
        )
        self._server = uvicorn.Server(cfg)
        self._thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()
        self.tick_interval = 0.2
        self._control: SimControl | None = None

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + PREFIX

    @property
    def ws_url(self) -> str:
        return self.root_url.replace("http://", "ws://") + WS_PATH

    @property
    def control(self) -> SimControl:
        if self._control is None:
            self._control = SimControl(self.root_url)
        return self._control

    def start(self, timeout: float = 10.0) -> SimServer:
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"sim-server:{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(f"the simulator did not start on {self.root_url}")
            time.sleep(0.01)
        self._ticker = threading.Thread(target=self._tick_loop, name=f"sim-ticker:{self.port}", daemon=True)
        self._ticker.start()
        return self

    def _tick_loop(self) -> None:
        """Run due timers (market open/close, GTC expiry, settlement) even when no request arrives."""
        while not self._stopping.wait(self.tick_interval):
            self.exchange.tick()

    def stop(self) -> None:
        self._stopping.set()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        if self._control is not None:
            self._control.close()
        self._sock.close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
