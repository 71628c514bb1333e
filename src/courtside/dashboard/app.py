"""The dashboard's web application (FastAPI): the page, its JSON API (OpenAPI at /openapi.json), /healthz
and the controls. Every figure is read from the journal per request; nothing here asks the exchange
except a control that cancels orders, through the same code as `courtside kill` and `cancel-all`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, params
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from courtside import __version__
from courtside.app.health import verdict
from courtside.dashboard import read
from courtside.dashboard import views as v
from courtside.dashboard.curve import Point, axes, equity_svg
from courtside.dashboard.format import FILTERS
from courtside.dashboard.security import COOKIE, Access, Verdict, cookie_value, same
from courtside.domain.clock import Clock
from courtside.domain.mode import Mode
from courtside.store.journal import Journal
from courtside.store.operator import OperatorLog
from courtside.store.operator_reads import JournalReads

log = logging.getLogger("courtside.dashboard")
HERE = Path(__file__).parent
REFRESH_S = 10  # the page fetches itself again this often
ExchangeQ = Annotated[str | None, Query(description="prod, demo or a base URL (default: the trader's)")]
ModeQ = Annotated[Mode | None, Query(description="paper or live (default: the trader's)")]


class Controls(Protocol):
    """What the buttons do: the same code as the CLI's kill, kill --reducing, resume and cancel-all."""

    async def kill(self, who: str, req: v.ControlRequest) -> v.ControlResult: ...
    async def reducing(self, who: str, req: v.ControlRequest) -> v.ControlResult: ...
    async def resume(self, who: str, req: v.ControlRequest) -> v.ControlResult: ...
    async def cancel_all(self, who: str, req: v.ControlRequest) -> v.ControlResult: ...


@dataclass(frozen=True)
class Site:
    """What one dashboard serves: the journal (any book of it opens from here), the book it judges
    health by (the trader's own), the context of the figures, the access rules and the controls."""

    journal: Journal
    ctx: read.Context
    access: Access
    controls: Controls
    clock: Clock

    def book(self, exchange: str | None, mode: Mode | None) -> Journal:
        """The book asked for. Without an exchange: the trader's own, or, while it holds nothing, the
        book of the journal scanned last (a demo's, a simulator's), of the mode asked for if any."""
        chosen = Journal(
            self.journal.engine, mode or self.journal.mode, exchange=exchange or self.journal.exchange
        )
        if exchange is not None or JournalReads(chosen).has_rows():
            return chosen
        found = [b for b in read.books(self.journal) if mode is None or b.mode == mode]
        return found[0] if found else chosen


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _refuse(verdict_: Verdict) -> HTTPException:
    if verdict_ is Verdict.MISSING:
        return HTTPException(401, "this needs the dashboard token", headers={"WWW-Authenticate": "Bearer"})
    if verdict_ is Verdict.OFF:
        return HTTPException(403, "controls are off: no COURTSIDE_DASHBOARD_TOKEN is set on the server")
    return HTTPException(403, "wrong token")


def who_of(request: Request, req: v.ControlRequest) -> str:
    """Who pressed it, for the journal: the name given (if any), the address and the browser."""
    agent = (request.headers.get("user-agent") or "unknown client")[:80]
    name = "".join(ch for ch in req.by if ch.isprintable())[:60]
    where = f"dashboard from {_client(request) or 'unknown address'} ({agent})"
    return f"{name} via {where}" if name else where


def create_app(site: Site) -> FastAPI:
    """The application; `site` says what it reads and who may do what."""
    app = FastAPI(
        title="courtside dashboard",
        version=__version__,
        description="Read from the trader's journal (never the exchange). Money and prices are decimal "
        "strings, times ISO 8601 UTC. Controls need `Authorization: Bearer <COURTSIDE_DASHBOARD_TOKEN>`.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the schema is at /openapi.json
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(FILTERS)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _reading_routes(app, site, templates)
    _control_routes(app, site)
    return app


def _reader(site: Site) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        judged = site.access.may_read(
            _client(request), request.headers.get("authorization"), request.cookies.get(COOKIE)
        )
        if judged is not Verdict.OK:
            raise _refuse(judged)

    return check


def _reading_routes(app: FastAPI, site: Site, templates: Jinja2Templates) -> None:
    reader = Depends(_reader(site))

    @app.get("/healthz", tags=["health"], responses={503: {"description": "no scan within two intervals"}})
    def healthz() -> JSONResponse:
        """200 while the trader's last scan finished within two scan intervals, else 503 (no token)."""
        run = OperatorLog(site.journal).last_run()
        interval = run.scan_interval if run is not None else site.ctx.scan_interval
        last = JournalReads(site.journal).last_finished_scan()
        judged = verdict(last, interval, site.clock.now())
        body = {"healthy": judged.healthy, "detail": judged.detail, "book": read.ref(site.journal).label}
        return JSONResponse(body, status_code=200 if judged.healthy else 503)

    @app.get("/api/overview", dependencies=[reader], tags=["read"])
    def overview() -> v.Overview:
        """Every book of the journal in a line, and the last alerts."""
        return read.overview(
            site.journal, site.ctx, site.clock.now(), controls_enabled=bool(site.access.token)
        )

    @app.get("/api/book", dependencies=[reader], tags=["read"])
    def book(exchange: ExchangeQ = None, mode: ModeQ = None) -> v.BookView:
        """Everything the page shows about one book."""
        return read.book_view(site.book(exchange, mode), site.ctx, site.clock.now())

    def page(request: Request, exchange: str | None, mode: Mode | None, name: str) -> Response:
        judged = site.access.may_read(
            _client(request), request.headers.get("authorization"), request.cookies.get(COOKIE)
        )
        if judged is not Verdict.OK:
            return RedirectResponse("/signin", status_code=303)
        now = site.clock.now()
        view = read.book_view(site.book(exchange, mode), site.ctx, now)
        points = [Point(p.ts, p.equity, p.peak) for p in view.curve]
        context = {
            "over": read.overview(site.journal, site.ctx, now, controls_enabled=bool(site.access.token)),
            "view": view,
            "curve": Markup(equity_svg(points)),  # noqa: S704 (drawn here from numbers, text escaped)
            "axes": axes(points),
            "refresh_s": REFRESH_S,
            "version": __version__,
        }
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, exchange: ExchangeQ = None, mode: ModeQ = None) -> Response:
        return page(request, exchange, mode, "index.html")

    @app.get("/fragment", response_class=HTMLResponse, include_in_schema=False)
    def fragment(request: Request, exchange: ExchangeQ = None, mode: ModeQ = None) -> Response:
        return page(request, exchange, mode, "main.html")

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    def signin_form(request: Request) -> Response:
        return templates.TemplateResponse(request, "signin.html", {"failed": False, "version": __version__})

    @app.post("/signin", response_class=HTMLResponse, include_in_schema=False)
    def signin(request: Request, token: Annotated[str, Form()]) -> Response:
        if not site.access.token or not same(token, site.access.token):
            context = {"failed": True, "version": __version__}
            return templates.TemplateResponse(request, "signin.html", context, status_code=403)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE, cookie_value(site.access.token), httponly=True, samesite="strict",
            secure=request.url.scheme == "https", max_age=30 * 24 * 3600,
        )  # fmt: skip
        return response


def _controller(site: Site) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        judged = site.access.may_control(request.headers.get("authorization"))
        if judged is not Verdict.OK:
            log.warning("control %s refused (%s) from %s", request.url.path, judged.value, _client(request))
            raise _refuse(judged)

    return check


Action = Callable[[str, v.ControlRequest], Awaitable[v.ControlResult]]
Responses = dict[int | str, dict[str, Any]]


def _control_routes(app: FastAPI, site: Site) -> None:
    controller = Depends(_controller(site))
    refused: Responses = {
        401: {"description": "no token sent"},
        403: {"description": "wrong token, or controls off"},
    }
    actions: dict[str, tuple[Action, str]] = {
        "kill": (site.controls.kill, "HALTED everywhere, then every resting order of the bot cancelled "
                 "on the exchange itself (as `courtside kill`)"),
        "reducing": (site.controls.reducing, "no new positions anywhere; resting orders stay "
                     "(as `courtside kill --reducing`)"),
        "resume": (site.controls.resume, "ACTIVE again: the kill switch and one exchange's stops lifted "
                   "(as `courtside resume`)"),
        "cancel-all": (site.controls.cancel_all, "every resting order of the bot on one exchange "
                       "cancelled; trading goes on (as `courtside cancel-all`)"),
    }  # fmt: skip
    for name, (action, summary) in actions.items():
        _control_route(app, name, action, summary, controller, refused)


def _control_route(
    app: FastAPI,
    name: str,
    action: Action,
    summary: str,
    controller: params.Depends,
    refused: Responses,
) -> None:
    async def control(request: Request, req: v.ControlRequest | None = None) -> v.ControlResult:
        req = req or v.ControlRequest()
        who = who_of(request, req)
        log.warning("control %s by %s: %s", name, who, req.reason or "no reason given")
        return await action(who, req)

    app.post(
        f"/api/{name}", dependencies=[controller], tags=["control"], summary=summary, responses=refused,
        name=name,
    )(control)  # fmt: skip
