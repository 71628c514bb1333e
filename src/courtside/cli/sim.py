"""`courtside sim serve`: run the Kalshi-compatible simulated exchange on loopback."""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from rich.console import Console
from rich.progress import Progress

from courtside.cli.errors import say
from courtside.domain.errors import CourtsideError
from courtside.kalshi.auth import load_private_key
from courtside.sim import catalog, generator
from courtside.sim.server import SimServer, require_loopback

sim_app = typer.Typer(help="The simulated Kalshi exchange (loopback only).", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(sim_app, name="sim")


def public_pem_of(key_file: Path) -> str:
    """The public key PEM of a key file: a public key as is, or the public half of a private key
    (the KALSHI_PRIVATE_KEY_PATH file). Nothing of the private key is kept or printed."""
    pem = key_file.expanduser().read_text()
    if "PRIVATE KEY" not in pem:
        return pem
    key = load_private_key(key_file.expanduser())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return public.decode()


def _register_key(server: SimServer, key_file: Path, key_id: str, balance: Decimal) -> str:
    pem = public_pem_of(key_file)
    result = catalog.register_user(
        server.exchange,
        {"key_id": key_id, "public_key_pem": pem, "balances": {"0": str(balance), "3": str(balance)}},
    )
    return str(result["user_id"])


def _list_matches(server: SimServer, matches: int, seed: int) -> int:
    """List a seeded random slate with market-maker liquidity, in chunks behind a progress bar."""
    ex = server.exchange
    maker = ex.add_user({0: Decimal("100000000"), 3: Decimal("100000000")}).user_id
    slate = generator.random_matches(matches, ex.now(), seed=seed)
    chunk = 100
    with Progress(console=Console(stderr=True), transient=True) as progress:  # stdout stays JSON
        task = progress.add_task("listing markets", total=len(slate))
        for start in range(0, len(slate), chunk):
            part = slate[start : start + chunk]
            bundle = generator.build_bundle(
                part, maker, ex.now(), seed=seed + start, distractors=max(1, len(part) // 20)
            )
            if start:
                bundle["series"] = []  # listed with the first chunk
            catalog.apply_bundle(ex, bundle)
            progress.advance(task, len(part))
    return len(ex.markets)


def _balance(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation as e:
        raise typer.BadParameter(f"{text!r} is not a number", param_hint="'--balance'") from e
    if not amount.is_finite() or amount < 0:
        raise typer.BadParameter(f"{text} must be ≥ 0", param_hint="'--balance'")
    return amount


@sim_app.command("serve")
def serve(
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8765,
    host: Annotated[str, typer.Option(help="loopback address to bind")] = "127.0.0.1",
    seed: Annotated[int, typer.Option(min=0, help="seed for ids, the slate and liquidity")] = 0,
    matches: Annotated[int, typer.Option(min=0, help="random tennis matches to list at start")] = 24,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help="key PEM to register as a trader: public, or your private key (only its public half is used)"
        ),
    ] = None,
    key_id: Annotated[
        str | None,
        typer.Option(help="API key id for --key-file", envvar="KALSHI_API_KEY_ID", show_envvar=True),
    ] = None,
    balance: Annotated[
        str, typer.Option(metavar="NUMBER", help="trader balance per shard (0 and 3), dollars; ≥ 0")
    ] = "1000",
    as_json: Annotated[bool, typer.Option("--json", help="print the endpoints as JSON")] = False,
) -> None:
    """Serve the simulator until Ctrl-C; prints the base URL and how to register a key."""
    amount = _balance(balance)
    try:
        require_loopback(host)
        if key_file is not None and key_id is None:
            raise typer.BadParameter("--key-file needs --key-id (or KALSHI_API_KEY_ID)")
        server = SimServer(host=host, port=port, seed=seed, log_level="warning")
        user = _register_key(server, key_file, key_id, amount) if key_file and key_id else None
        listed = _list_matches(server, matches, seed) if matches > 0 else 0
        server.start()
    except (CourtsideError, OSError) as e:
        say(f"cannot start the simulator: {e}")
        raise typer.Exit(2) from e
    info = {
        "base_url": server.base_url,
        "ws_url": server.ws_url,
        "control_url": server.root_url + "/_sim",
        "markets": listed,
        "trader_user_id": user,
    }
    if as_json:
        print(json.dumps(info))
    else:
        console.print(f"[bold]courtside sim[/bold] on {server.base_url}  (WebSocket {server.ws_url})")
        console.print(f"{listed} markets listed" + (f"; key {key_id} registered" if user else ""))
        if not user:
            console.print(
                "No API key registered: signed calls answer 401 NOT_FOUND. Restart with\n"
                "  courtside sim serve --key-file $KALSHI_PRIVATE_KEY_PATH --key-id $KALSHI_API_KEY_ID\n"
                "or register one while it runs: POST "
                + server.root_url
                + '/_sim/users {"key_id": ..., "public_key_pem": ..., "balances": {"3": "1000"}}'
            )
        console.print(f"Check it:  courtside doctor --env {server.base_url}")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        server.stop()
