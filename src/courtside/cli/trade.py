"""`courtside trade | scan | unmatched | fund`, and `kill | resume | status` from cli.control: the
AutoTrader's commands (one group: `register` attaches them all)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

import typer

from courtside.app.logs import logging_to
from courtside.cli.common import (
    STATE,
    ConfigOpt,
    DbOpt,
    EnvOpt,
    Opt,
    console,
    fail,
    journal_or_exit,
    setting,
    settings_or_exit,
)
from courtside.cli.dashboard import dashboard as dashboard_command
from courtside.cli.output import show_table
from courtside.cli.state import cancel_all, kill, resume
from courtside.cli.status import status
from courtside.domain.errors import CourtsideError
from courtside.domain.orders import TENNIS_SHARD

if TYPE_CHECKING:  # app.run pulls in the model stack (sklearn): imported only by trade and scan
    from courtside.app.scan_result import MatchVerdict
    from courtside.app.settings import TraderSettings
    from courtside.dashboard.serve import Beside
    from courtside.kalshi.results import TransferResult
    from courtside.store.journal_tables import InferredTournamentRow


log = logging.getLogger("courtside.trader")


def register(app: typer.Typer) -> None:
    app.command("trade")(trade)
    app.command("scan")(scan)
    app.command("unmatched")(unmatched)
    app.command("kill")(kill)
    app.command("cancel-all")(cancel_all)
    app.command("resume")(resume)
    app.command("status")(status)
    app.command("dashboard")(dashboard_command)
    app.command("fund")(fund)


def trade(
    live: Annotated[
        bool | None, Opt("--live/--dry-run", help="real orders, or paper fills  [default: dry-run]")
    ] = None,
    confirm_live: Annotated[bool | None, setting("confirm_live")] = None,
    once: Annotated[bool | None, setting("once")] = None,
    stream: Annotated[bool | None, setting("stream")] = None,
    env: EnvOpt = None,
    min_value: Annotated[str | None, setting("min_value")] = None,
    min_ev: Annotated[str | None, setting("min_ev")] = None,
    max_size: Annotated[str | None, setting("max_size")] = None,
    scan_interval: Annotated[str | None, setting("scan_interval")] = None,
    max_hours: Annotated[str | None, setting("max_hours")] = None,
    min_minutes: Annotated[str | None, setting("min_minutes")] = None,
    min_volume: Annotated[str | None, setting("min_volume")] = None,
    order_style: Annotated[str | None, setting("order_style")] = None,
    kelly_fraction: Annotated[str | None, setting("kelly_fraction")] = None,
    model_weight: Annotated[str | None, setting("model_weight")] = None,
    max_exposure: Annotated[str | None, setting("max_exposure")] = None,
    daily_loss_limit: Annotated[str | None, setting("daily_loss_limit")] = None,
    max_drawdown: Annotated[str | None, setting("max_drawdown")] = None,
    max_orders_per_scan: Annotated[str | None, setting("max_orders_per_scan")] = None,
    max_failed_scans: Annotated[str | None, setting("max_failed_scans")] = None,
    paper_cash: Annotated[str | None, setting("paper_cash")] = None,
    log_format: Annotated[str | None, setting("log_format")] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    model: Annotated[str | None, setting("model")] = None,
    update_every: Annotated[str | None, setting("update_every")] = None,
    max_model_age: Annotated[str | None, setting("max_model_age")] = None,
    dashboard: Annotated[bool | None, setting("dashboard", "--dashboard")] = None,
    dashboard_port: Annotated[str | None, setting("dashboard_port")] = None,
    cancel_on_exit: Annotated[bool | None, setting("cancel_on_exit", "--cancel-on-exit")] = None,
) -> None:
    """Run the AutoTrader: scan, price, decide, check risk and place limit orders (dry-run by default).
    SIGTERM or Ctrl-C: the order in flight is finished and journalled, the run's stop recorded, the
    resting orders cancelled with --cancel-on-exit, exit 0. --dashboard serves the page beside it."""
    flags = {k: v for k, v in locals().items() if k != "config"}
    s = settings_or_exit(config, **flags)  # every value checked before anything is written
    from courtside.app.run import confirm_live as require_confirmation
    from courtside.app.run import stdin_is_tty, trade_until_stopped
    from courtside.app.signals import Stopped
    from courtside.cli.dashboard import beside

    pages: list[Beside] = []

    def serve() -> None:  # once the trader holds its journal: a second trader is refused by the lock
        page = beside(s)
        if page is not None:
            pages.append(page)

    with logging_to(s.log_file, level=s.log_level, fmt=s.log_format):
        try:
            require_confirmation(s, lambda text: typer.prompt(text), stdin_is_tty())
            trade_until_stopped(s, STATE.overrides, built=serve)
        except CourtsideError as e:
            raise fail(e) from e
        except Stopped as e:  # SIGINT or SIGTERM: a clean stop, exit 0
            console.print(f"stopped ({e.signal})")
        except KeyboardInterrupt:
            console.print("stopped")
        except Exception as e:  # a bug: its traceback goes to the log file too, then one line
            log.critical("trader crashed: %s: %s", type(e).__name__, e, exc_info=True)
            raise fail(f"unexpected {type(e).__name__}: {e} (traceback in {s.log_file})") from e
        finally:
            for page in pages:
                page.stop()


def scan(
    json_out: Annotated[bool, Opt("--json", help="one JSON line per priced match")] = False,
    env: EnvOpt = None,
    min_value: Annotated[str | None, setting("min_value")] = None,
    min_ev: Annotated[str | None, setting("min_ev")] = None,
    max_size: Annotated[str | None, setting("max_size")] = None,
    max_hours: Annotated[str | None, setting("max_hours")] = None,
    min_minutes: Annotated[str | None, setting("min_minutes")] = None,
    min_volume: Annotated[str | None, setting("min_volume")] = None,
    order_style: Annotated[str | None, setting("order_style")] = None,
    kelly_fraction: Annotated[str | None, setting("kelly_fraction")] = None,
    model_weight: Annotated[str | None, setting("model_weight")] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    model: Annotated[str | None, setting("model")] = None,
) -> None:
    """Price every open match once and show the decision; never places an order."""
    flags = {k: v for k, v in locals().items() if k not in ("config", "json_out")}
    s = settings_or_exit(config, live=False, **flags)
    from courtside.app.run import run_scan

    with logging_to(s.log_file, console=not json_out, level=s.log_level, fmt=s.log_format):
        try:
            items = asyncio.run(run_scan(s, STATE.overrides))
        except CourtsideError as e:
            raise fail(e) from e
        except Exception as e:
            log.critical("scan crashed: %s: %s", type(e).__name__, e, exc_info=True)
            raise fail(f"unexpected {type(e).__name__}: {e} (traceback in {s.log_file})") from e
    if json_out:
        for item in items:
            typer.echo(json.dumps(item.as_json()))
        return
    show_table(console, SCAN_HEADERS, [_scan_row(i) for i in items], title=SCAN_TITLE)
    _print_top_reasons(items)


SCAN_TITLE = (
    "P(A): the probability that A, the first player named, wins; price, fee, edge and EV are per "
    "contract of the buy shown, which pays if the player it backs wins"
)
SCAN_HEADERS = (
    "A vs B", "P(A) model", "P(A) market", "P(A) used", "buy", "backs", "price", "fee", "edge", "EV",
    "size", "rank", "decision", "reasons",
)  # fmt: skip


def _scan_row(i: MatchVerdict) -> list[str]:
    def num(x: Decimal | None, fmt: str = "") -> str:
        return "-" if x is None else (format(x, fmt) if fmt else str(x.normalize()))

    buy = i.route.split("@")[0] + (f" {i.style}" if i.style else "")
    return [
        " vs ".join(i.players),
        *(f"{p:.3f}" if p is not None else "-" for p in (i.p_model, i.p_market, i.p_blend)),
        buy or "-",
        i.backed_player or "-",
        num(i.price),
        num(i.fee),
        num(i.edge, ".3f"),
        num(i.ev, ".3f"),
        num(i.size),
        f"#{i.rank}" if i.rank is not None else "-",
        i.decision,
        "; ".join(i.reasons),
    ]


def _print_top_reasons(items: list[MatchVerdict]) -> None:
    """The scan's commonest reasons not to trade, by kind, with how many matches each stopped."""
    from courtside.app.scan_result import top_reasons

    top = top_reasons(items)
    if not top:
        console.print("no match was skipped or refused")
        return
    show_table(console, ("top refusal reasons", "matches"), [(kind, str(n)) for kind, n in top])


def unmatched(
    json_out: Annotated[bool, Opt("--json", help="one JSON line per player")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Players Kalshi lists that the registry could not identify (add aliases for them), and the
    tournaments missing from the table that were priced by inference (check what was inferred)."""
    journal = journal_or_exit(settings_or_exit(config, db=db), read_only=True)
    rows, tournaments = journal.unmatched(), journal.inferred_tournaments()
    if json_out:
        for r in rows:
            typer.echo(
                json.dumps(
                    {
                        "kind": "player",
                        "name": r.name,
                        "tour": r.tour,
                        "status": r.status,
                        "times": r.times,
                        "event_ticker": r.event_ticker,
                        "competitor_id": r.competitor_id,
                        "detail": r.detail,
                    }
                )
            )
        for t in tournaments:
            typer.echo(json.dumps(_tournament_json(t)))
        return
    headers = ("name", "tour", "status", "seen", "last event", "detail")
    show_table(
        console, headers, [(r.name, r.tour, r.status, str(r.times), r.event_ticker, r.detail) for r in rows]
    )
    show_table(
        console,
        ("tournament", "tour", "level", "surface", "best of", "seen", "last event", "how"),
        [
            (t.name, t.tour, t.level, t.surface, str(t.best_of), str(t.times), t.event_ticker, t.detail)
            for t in tournaments
        ],
        title="tournaments priced by inference (not in the tournament table)",
    )


def _tournament_json(t: InferredTournamentRow) -> dict[str, object]:
    return {
        "kind": "tournament",
        "name": t.name,
        "tour": t.tour,
        "status": "inferred",
        "level": t.level,
        "surface": t.surface,
        "best_of": t.best_of,
        "times": t.times,
        "event_ticker": t.event_ticker,
        "detail": t.detail,
    }


def _dollars(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation as e:
        raise typer.BadParameter(f"--amount must be dollars such as 250 or 12.50, got {text!r}") from e
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.0001")):
        raise typer.BadParameter(f"--amount must be positive with at most 4 decimals, got {text!r}")
    return amount


async def _transfer(
    s: TraderSettings, amount: Decimal, source: int, dest: int
) -> tuple[TransferResult, Decimal]:
    from courtside.app.wiring import kalshi_client, signing
    from courtside.kalshi.shards import shard_funds

    ov = STATE.overrides
    auth = signing(True, ov.auth if ov is not None else None)
    transport = ov.transport if ov is not None else None
    async with kalshi_client(s.env, auth=auth, transport=transport, timeout=s.http_timeout) as c:
        result = await c.intra_exchange_transfer(amount, source_shard=source, destination_shard=dest)
        return result, (await shard_funds(c, dest)).cash


def fund(
    amount: Annotated[str, Opt("--amount", help="dollars to move, e.g. 250 or 12.50")],
    from_shard: Annotated[int, Opt("--from-shard", min=0, help="exchange shard to take cash from")] = 0,
    to_shard: Annotated[
        int, Opt("--to-shard", min=0, help="exchange shard to fund (tennis: 3)")
    ] = TENNIS_SHARD,
    env: EnvOpt = None,
    yes: Annotated[bool, Opt("--yes", help="skip the confirmation (required without a terminal)")] = False,
    config: ConfigOpt = None,
) -> None:
    """Move collateral between exchange shards: tennis orders need cash on shard 3 (exchange sharding)."""
    dollars = _dollars(amount)
    if from_shard == to_shard:
        raise typer.BadParameter("--from-shard and --to-shard must be two different shards")
    s = settings_or_exit(config, env=env)
    question = f"Move ${dollars} from shard {from_shard} to shard {to_shard} on {s.env}?"
    if not yes:
        if not sys.stdin.isatty():
            raise fail("refusing to move money without a terminal: pass --yes")
        if not typer.confirm(question):
            console.print("nothing moved")
            raise typer.Exit(1)
    try:
        result, cash = asyncio.run(_transfer(s, dollars, from_shard, to_shard))
    except CourtsideError as e:
        raise fail(e) from e
    console.print(
        f"transfer {result.transfer_id}: ${dollars} shard {from_shard} -> {to_shard} "
        f"(completes asynchronously); shard {to_shard} shows ${cash}"
    )
