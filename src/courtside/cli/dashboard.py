"""`courtside dashboard`: the operator's page and its JSON API over the journal (docs/dashboard.md), on
its own; `courtside trade --dashboard` serves the same beside a running trader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from courtside.cli.common import (
    STATE,
    ConfigOpt,
    DbOpt,
    EnvOpt,
    Opt,
    console,
    fail,
    setting,
    settings_or_exit,
)
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode

if TYPE_CHECKING:
    from courtside.app.control import Exchange
    from courtside.app.settings import TraderSettings
    from courtside.dashboard.serve import Beside


def dashboard(
    port: Annotated[str | None, setting("dashboard_port", "--port", "--dashboard-port")] = None,
    host: Annotated[str | None, setting("dashboard_host", "--host", "--dashboard-host")] = None,
    mode: Annotated[
        Mode, Opt("--mode", help="the book /healthz judges: paper (dry-run) or live")
    ] = Mode.PAPER,
    env: EnvOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The operator's page on http://127.0.0.1:8050/: every book of the journal (state, equity, P&L,
    positions, orders, scans, decisions, health, alerts), refreshed by itself; a JSON API (/openapi.json)
    and /healthz. Reads the journal only. The controls need COURTSIDE_DASHBOARD_TOKEN."""
    s = settings_or_exit(
        config,
        db=db,
        env=env,
        live=mode is Mode.LIVE,
        confirm_live=True,
        dashboard_port=port,
        dashboard_host=host,
    )
    from courtside.dashboard.serve import check_free, serve, site_for

    try:
        check_free(s.dashboard_host, s.dashboard_port)  # before the journal is opened
        site = site_for(s, host=s.dashboard_host, token=s.token, via=_via())
    except CourtsideError as e:
        raise fail(e) from e
    console.print(
        f"dashboard on http://{s.dashboard_host}:{s.dashboard_port}/ (journal {s.home}); Ctrl-C stops it"
    )
    serve(site, s.dashboard_host, s.dashboard_port)


def _via() -> Exchange:
    from courtside.app.control import Exchange

    ov = STATE.overrides
    return Exchange() if ov is None else ov.exchange


def beside(s: TraderSettings) -> Beside | None:
    """`trade --dashboard`: the page in a thread beside the trader, listening before the first scan."""
    if not s.dashboard:
        return None
    from courtside.dashboard.serve import Beside, site_for

    site = site_for(s, host=s.dashboard_host, token=s.token, via=_via())
    page = Beside(site, s.dashboard_host, s.dashboard_port)
    page.start()
    console.print(f"dashboard on http://{s.dashboard_host}:{page.port}/", markup=False)
    return page
