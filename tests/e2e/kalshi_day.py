"""An adversarial day of Kalshi tennis listings, written by hand through the simulator's /_sim API,
and a tampering reverse proxy that serves it the way an independent Kalshi-compatible server might
(fields missing or garbled on chosen markets).

Nothing here imports the trader: the day is built from the wire formats of kalshi-api.md §5 and
§8.10, and the model is only asked for the probabilities the mispricings are set against.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from courtside.sim.control import SimControl

Json = dict[str, Any]
CENT = Decimal("0.01")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MATCH_SERIES = {
    "KXATPMATCH": "ATP Tennis Match",
    "KXWTAMATCH": "WTA Tennis Match",
    "KXATPCHALLENGERMATCH": "ATP Challenger Tennis Match",
    "KXWTACHALLENGERMATCH": "WTA 125 Tennis Match",
    "KXITFMATCH": "ITF Men's Tennis Match",
    "KXITFWMATCH": "ITF Women's Tennis Match",
}
# Series a tennis scanner must never trade, all tagged Tennis here (pickleball really is).
DISTRACTOR_SERIES = {
    "KXATPDOUBLES": "ATP Doubles Match",
    "KXATPSETWINNER": "ATP Set Winner",
    "KXTTMATCH": "Table Tennis Match",
    "KXPICKLEBALLMATCH": "Pickleball Match",
    "KXATPEXACTMATCH": "ATP Exact Score",
}
RULES = (
    "If {name} wins the {a} vs {b} professional tennis match in the {year} {competition}{round} "
    "after a ball has been played, then the market resolves to Yes."
)
RULES2 = (
    "The following market refers to the {a} vs {b} professional tennis match in the {year} "
    "{competition}{round} after a ball has been played. If the match does not occur (signaled by a ball "
    "being played) due to a player injury, walkover, forfeiture, or any other cancellation (all before the "
    "match starts), the market will resolve to a fair price in accordance with the rules. If this match is "
    "postponed or delayed, the market will remain open and close after the rescheduled match has finished "
    "(within two weeks)."
)


def rfc(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def day_code(when: datetime) -> str:
    return f"{when:%y}{MONTHS[when.month - 1]}{when:%d}"


@dataclass(frozen=True)
class Player:
    name: str  # yes_sub_title, as Kalshi writes it (accents kept)
    surname: str  # as the event title writes it
    code: str  # market ticker suffix


@dataclass(frozen=True)
class Listing:
    """One match event as listed: series, both players, competition, round, start, title style."""

    key: str
    series: str
    a: Player
    b: Player
    competition: str
    round: str | None
    start: datetime
    style: str  # "old" | "old-space" (space before the colon) | "new"

    @property
    def event_ticker(self) -> str:
        return f"{self.series}-{day_code(self.start)}{self.a.code}{self.b.code}"

    def ticker(self, p: Player) -> str:
        return f"{self.event_ticker}-{p.code}"


@dataclass
class Day:
    """What was listed and what a careful trader should do with each event."""

    now: datetime
    mispriced: dict[str, Listing] = field(default_factory=dict)  # event -> listing
    p_model: dict[str, float] = field(default_factory=dict)  # event -> model P(A) used to misprice
    cheap_side: dict[str, str] = field(default_factory=dict)  # event -> ticker whose YES is too cheap
    fair: dict[str, Listing] = field(default_factory=dict)
    out_of_window: dict[str, Listing] = field(default_factory=dict)
    thin: dict[str, Listing] = field(default_factory=dict)
    unknown_player: dict[str, Listing] = field(default_factory=dict)
    malformed: dict[str, str] = field(default_factory=dict)  # event -> what is wrong with it
    garbled: set[str] = field(default_factory=set)  # malformed events whose fields the server garbles
    distractors: dict[str, str] = field(default_factory=dict)  # event -> series
    tamper: dict[str, Callable[[Json], None]] = field(default_factory=dict)  # market ticker -> edit

    @property
    def must_not_trade(self) -> set[str]:
        return (
            set(self.fair)
            | set(self.out_of_window)
            | set(self.thin)
            | set(self.unknown_player)
            | set(self.malformed)
            | set(self.distractors)
        )


# ---- listing through /_sim ---------------------------------------------------------------------


def _series(control: SimControl, ticker: str, title: str, tags: list[str]) -> None:
    control.add_series(
        {
            "ticker": ticker,
            "title": title,
            "category": "Sports",
            "tags": tags,
            "fee_type": "quadratic_with_maker_fees",
            "fee_multiplier": 1,
            "exchange_index": 3,
        }
    )


def _title(style: str, name: str, lst: Listing) -> str:
    if style == "new":
        return f"{name} wins"
    colon = " :" if style == "old-space" else ":"
    rnd = f"{colon} {lst.round}" if lst.round else ""
    return f"Will {name} win the {lst.a.surname} vs {lst.b.surname}{rnd} match?"


def list_event(control: SimControl, lst: Listing, players: list[Player] | None = None) -> list[str]:
    """The event and one market per player (normally the two of the match); returns the tickers."""
    control.add_event(
        {
            "event_ticker": lst.event_ticker,
            "series_ticker": lst.series,
            "title": f"{lst.a.surname} vs {lst.b.surname}",
            "sub_title": f"{lst.a.surname} vs {lst.b.surname} ({lst.start:%b %d})",
            "mutually_exclusive": True,
            "collateral_return_type": "MECNET",
            "exchange_index": 3,
            "product_metadata": {"competition": lst.competition, "competition_scope": "Game"},
        }
    )
    fields = {
        "a": lst.a.surname,
        "b": lst.b.surname,
        "year": lst.start.year,
        "competition": lst.competition,
        "round": f" {lst.round}" if lst.round else "",
    }
    tickers = []
    for p in players if players is not None else [lst.a, lst.b]:
        ticker = lst.ticker(p)
        control.add_market(
            {
                "ticker": ticker,
                "event_ticker": lst.event_ticker,
                "title": _title(lst.style, p.name, lst),
                "yes_sub_title": p.name,
                "no_sub_title": p.name,
                "rules_primary": RULES.format(name=p.name, **fields),
                "rules_secondary": RULES2.format(**fields),
                "open_time": rfc(lst.start - timedelta(days=2)),
                "close_time": rfc(lst.start + timedelta(days=14)),
                "latest_expiration_time": rfc(lst.start + timedelta(days=14)),
                "expected_expiration_time": rfc(lst.start),
                "occurrence_datetime": rfc(lst.start),
                "custom_strike": {"tennis_competitor": f"uuid-{lst.key}-{p.code}"},
                "price_ranges": [{"start": "0.0000", "end": "1.0000", "step": "0.0100"}],
                "status": "active",
                "exchange_index": 3,
            }
        )
        tickers.append(ticker)
    return tickers


def _cents(x: float) -> Decimal:
    return max(CENT, min(Decimal("0.99"), Decimal(str(round(x, 2)))))


def quote(control: SimControl, maker: str, ticker: str, mid: float, *, half: Decimal = CENT) -> None:
    """Two levels each side around `mid` (YES price), 50 lots each, from the market maker."""
    m = _cents(mid)
    for i in range(2):
        bid, ask = m - half - CENT * i, m + half + CENT * i
        if bid >= CENT:
            control.order(maker, ticker=ticker, side="bid", price=str(bid), count="50")
        if ask <= Decimal("0.99"):
            control.order(maker, ticker=ticker, side="ask", price=str(ask), count="50")


def print_volume(control: SimControl, maker: str, tape: str, ticker: str, price: float, count: int) -> None:
    """Trade `count` contracts between two other users so the market shows volume (kalshi §2.5)."""
    p = str(_cents(price))
    control.order(tape, ticker=ticker, side="ask", price=p, count=str(count))
    control.order(
        maker, ticker=ticker, side="bid", price=p, count=str(count), time_in_force="immediate_or_cancel"
    )


# ---- the tampering proxy ----------------------------------------------------------------------


def _walk(node: Any, tamper: dict[str, Callable[[Json], None]]) -> bool:
    """Apply the edit for every market object whose ticker is listed; True when anything changed."""
    changed = False
    if isinstance(node, dict):
        edit = tamper.get(node.get("ticker", "")) if "event_ticker" in node else None
        if edit is not None:
            edit(node)
            changed = True
        for value in node.values():
            changed |= _walk(value, tamper)
    elif isinstance(node, list):
        for value in node:
            changed |= _walk(value, tamper)
    return changed


class TamperingProxy:
    """A loopback reverse proxy in front of the simulator: signed paths pass through unchanged,
    JSON bodies that carry a tampered market are rewritten, everything else is passed as is."""

    def __init__(self, upstream_root: str, tamper: dict[str, Callable[[Json], None]]) -> None:
        self.upstream = httpx.Client(base_url=upstream_root.rstrip("/"), timeout=30.0)
        self.tamper = tamper
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                proxy.requests.append((self.command, self.path))
                r = proxy.upstream.request(self.command, self.path, content=body, headers=headers)
                data = r.content
                if self.command == "GET" and r.headers.get("content-type", "").startswith("application/json"):
                    try:
                        parsed = json.loads(data)
                    except ValueError:
                        parsed = None
                    if parsed is not None and _walk(parsed, proxy.tamper):
                        data = json.dumps(parsed).encode()
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/trade-api/v2"

    def __enter__(self) -> TamperingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.upstream.close()


def drop(*keys: str) -> Callable[[Json], None]:
    def edit(market: Json) -> None:
        for k in keys:
            market.pop(k, None)

    return edit


def set_fields(**values: Any) -> Callable[[Json], None]:
    def edit(market: Json) -> None:
        market.update(values)

    return edit


def iter_json_lines(text: str) -> Iterator[Json]:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            yield json.loads(line)


# ---- the day ----------------------------------------------------------------------------------

ProbFn = Callable[[Listing], float]
US_MEN = "US Open Men Singles"
MISPRICE = 0.13  # the book sits this far from the model (so the best price is 12 cents off)


def _p(name: str, surname: str, code: str) -> Player:
    return Player(name, surname, code)


def _misprice(control: SimControl, maker: str, day: Day, lst: Listing, p: float, tickers: list[str]) -> None:
    """Quote A's book MISPRICE away from the model, B's as its mirror; A's side is cheap when p >= 0.5."""
    mid_a = p - MISPRICE if p >= 0.5 else p + MISPRICE
    for ticker, mid in zip(tickers, (mid_a, 1 - mid_a), strict=False):
        quote(control, maker, ticker, mid)
    day.p_model[lst.event_ticker] = p
    day.cheap_side[lst.event_ticker] = tickers[0] if p >= 0.5 else lst.ticker(lst.b)


def _event(ticker: str) -> str:
    return ticker.rsplit("-", 1)[0]


def _volume(control: SimControl, maker: str, tape: str, tickers: list[str], count: int) -> None:
    for t in tickers:
        print_volume(control, maker, tape, t, 0.5, count)


def build_day(control: SimControl, maker: str, tape: str, now: datetime, p_of: ProbFn) -> Day:
    """List the whole adversarial day; returns what a careful trader should do with each event."""
    day = Day(now)
    h = now.replace(minute=0, second=0, microsecond=0)
    for ticker, title in MATCH_SERIES.items():
        _series(control, ticker, title, ["Tennis"])
    for ticker, title in DISTRACTOR_SERIES.items():
        tags = ["Tennis", "Table Tennis"] if ticker == "KXTTMATCH" else ["Tennis"]
        _series(control, ticker, title, tags)

    def real(lst: Listing, bucket: dict[str, Listing], *, mispriced: bool, volume: int = 30) -> None:
        tickers = list_event(control, lst)
        _volume(control, maker, tape, tickers, volume)
        p = p_of(lst)
        if mispriced:
            _misprice(control, maker, day, lst, p, tickers)
        else:
            day.p_model[lst.event_ticker] = p
            quote(control, maker, tickers[0], p, half=Decimal("0.02"))
            quote(control, maker, tickers[1], 1 - p, half=Decimal("0.02"))
        bucket[lst.event_ticker] = lst

    # Three real mispricings: hyphen + accent, old title; a Cerundolo brother + particle, new title;
    # a Pliskova sister + two-word surname, old title with a space before the colon.
    faa = _p("Félix Auger-Aliassime", "Auger-Aliassime", "AUG")
    botic = _p("Botic van de Zandschulp", "Van de Zandschulp", "VAN")
    jmc = _p("Juan Manuel Cerúndolo", "Cerundolo", "CER")
    demin = _p("Alex de Minaur", "de Minaur", "DEM")
    karo = _p("Karolina Pliskova", "Pliskova", "PLI")
    vjk = _p("Victoria Jimenez Kasintseva", "Jimenez Kasintseva", "JIM")
    halle, eastbourne = "ATP Halle", "WTA Eastbourne"
    real(
        Listing("m1", "KXATPMATCH", faa, botic, US_MEN, "Round Of 16", h + timedelta(hours=6), "old"),
        day.mispriced,
        mispriced=True,
    )
    real(
        Listing("m2", "KXATPMATCH", jmc, demin, halle, "Round Of 32", h + timedelta(hours=10), "new"),
        day.mispriced,
        mispriced=True,
    )
    real(
        Listing(
            "m3", "KXWTAMATCH", karo, vjk, eastbourne, "Quarterfinal", h + timedelta(hours=20), "old-space"
        ),
        day.mispriced,
        mispriced=True,
    )
    # Priced where the model is: the other brother and sister, a title without a round.
    fco = _p("Francisco Cerúndolo", "Cerundolo", "CER")
    real(
        Listing(
            "f1",
            "KXATPMATCH",
            fco,
            _p("Alexei Popyrin", "Popyrin", "POP"),
            "ATP Bastad",
            None,
            h + timedelta(hours=8),
            "old",
        ),
        day.fair,
        mispriced=False,
    )
    real(
        Listing(
            "f2",
            "KXWTAMATCH",
            _p("Kristyna Pliskova", "Pliskova", "PLI"),
            _p("Eva Lys", "Lys", "LYS"),
            "US Open Women Singles",
            "Round Of 16",
            h + timedelta(hours=12),
            "new",
        ),
        day.fair,
        mispriced=False,
    )
    # Mispriced, but 72 h out (beyond --max-hours 48), or thin (below --min-volume).
    real(
        Listing(
            "w1",
            "KXATPMATCH",
            _p("Alexander Zverev", "Zverev", "ZVE"),
            _p("Stefanos Tsitsipas", "Tsitsipas", "TSI"),
            US_MEN,
            "Quarterfinal",
            h + timedelta(hours=72),
            "old",
        ),
        day.out_of_window,
        mispriced=True,
    )
    real(
        Listing(
            "t1",
            "KXATPMATCH",
            _p("Jannik Sinner", "Sinner", "SIN"),
            _p("Daniil Medvedev", "Medvedev", "MED"),
            halle,
            "Quarterfinal",
            h + timedelta(hours=9),
            "new",
        ),
        day.thin,
        mispriced=True,
        volume=2,
    )
    # A player the model has never heard of (Challenger-only), with a wide book.
    u1 = Listing(
        "u1",
        "KXATPMATCH",
        _p("Carlos Sanchez Jover", "Sanchez Jover", "SAN"),
        _p("Taro Daniel", "Daniel", "DAN"),
        "ATP Bastad",
        "Qualification Final",
        h + timedelta(hours=7),
        "old",
    )
    for t in list_event(control, u1):
        print_volume(control, maker, tape, t, 0.5, 30)
        control.order(maker, ticker=t, side="bid", price="0.05", count="50")
        control.order(maker, ticker=t, side="ask", price="0.95", count="50")
    day.unknown_player[u1.event_ticker] = u1
    _malformed(control, maker, tape, day, h, p_of)
    _distractors(control, maker, tape, day, h)
    return day


def _malformed(control: SimControl, maker: str, tape: str, day: Day, h: datetime, p_of: ProbFn) -> None:
    """Known players, mispriced books, and one thing wrong with each event."""

    def bad(lst: Listing, what: str, players: list[Player] | None = None) -> list[str]:
        tickers = list_event(control, lst, players)
        _volume(control, maker, tape, tickers, 30)
        p = p_of(lst)
        mid_a = p - MISPRICE if p >= 0.5 else p + MISPRICE
        for i, t in enumerate(tickers):
            quote(control, maker, t, mid_a if i == 0 else 1 - mid_a)
        day.malformed[lst.event_ticker] = what
        return tickers

    atp = "KXATPMATCH"
    t = bad(
        Listing(
            "x1",
            atp,
            _p("Lloyd Harris", "Harris", "HAR"),
            _p("Cristian Garin", "Garin", "GAR"),
            "ATP Bastad",
            "Round Of 16",
            h + timedelta(hours=5),
            "old-space",
        ),
        "price_ranges missing",
    )
    for ticker in t:
        day.tamper[ticker] = drop("price_ranges")
    day.garbled.add(_event(t[0]))
    t = bad(
        Listing(
            "x2",
            "KXWTAMATCH",
            _p("Iga Swiatek", "Swiatek", "SWI"),
            _p("Aryna Sabalenka", "Sabalenka", "SAB"),
            "WTA Eastbourne",
            "Semifinal",
            h + timedelta(hours=5),
            "new",
        ),
        "yes_sub_title missing",
    )
    day.tamper[t[0]] = drop("yes_sub_title", "no_sub_title")
    day.garbled.add(_event(t[0]))
    ruud, rune = _p("Casper Ruud", "Ruud", "RUU"), _p("Holger Rune", "Rune", "RUN")
    bad(
        Listing("x3", atp, ruud, rune, "ATP Halle", "Round Of 16", h + timedelta(hours=5), "old"),
        "one market",
        [ruud],
    )
    fritz, paul = _p("Taylor Fritz", "Fritz", "FRI"), _p("Tommy Paul", "Paul", "PAU")
    bad(
        Listing("x4", atp, fritz, paul, US_MEN, "Round Of 16", h + timedelta(hours=5), "old"),
        "three markets",
        [fritz, paul, _p("Ben Shelton", "Shelton", "SHE")],
    )
    t = bad(
        Listing(
            "x5",
            atp,
            _p("Hubert Hurkacz", "Hurkacz", "HUR"),
            _p("Ugo Humbert", "Humbert", "HUM"),
            "ATP Halle",
            "Round Of 32",
            h + timedelta(hours=5),
            "new",
        ),
        "garbage occurrence_datetime",
    )
    for ticker in t:
        day.tamper[ticker] = set_fields(occurrence_datetime="TBD", expected_expiration_time="soon")
    day.garbled.add(_event(t[0]))
    mmoh, tiafoe = _p("Michael Mmoh", "Mmoh", "MMO"), _p("Frances Tiafoe", "Tiafoe", "TIA")
    bad(
        Listing("x6", atp, mmoh, tiafoe, US_MEN, "Round Of 64", h + timedelta(hours=5), "old"),
        "ticker suffix matches neither player",
        [mmoh, _p("Frances Tiafoe", "Tiafoe", "XYZ")],
    )


def _distractors(control: SimControl, maker: str, tape: str, day: Day, h: datetime) -> None:
    """Events in series a tennis match-winner scanner must skip, with books that look like bargains."""
    start = h + timedelta(hours=5)
    listings = [
        Listing(
            "d1",
            "KXATPDOUBLES",
            _p("Zverev / Struff", "Zverev/Struff", "ZVE"),
            _p("Krawietz / Puetz", "Krawietz/Puetz", "KRA"),
            "US Open Men Doubles",
            "Round Of 16",
            start,
            "new",
        ),
        Listing(
            "d2",
            "KXATPSETWINNER",
            _p("Carlos Alcaraz", "Alcaraz", "ALC"),
            _p("Novak Djokovic", "Djokovic", "DJO"),
            US_MEN,
            "Semifinal",
            start,
            "old",
        ),
        Listing(
            "d3",
            "KXTTMATCH",
            _p("Ma Long", "Ma", "MA"),
            _p("Fan Zhendong", "Fan", "FAN"),
            "WTT Champions Frankfurt",
            "Quarterfinal",
            start,
            "new",
        ),
        Listing(
            "d4",
            "KXPICKLEBALLMATCH",
            _p("Jack Sock", "Sock", "SOC"),
            _p("Donald Young", "Young", "YOU"),
            "PPA Tour Las Vegas",
            "Semifinal",
            start,
            "new",
        ),
        Listing(
            "d5",
            "KXATPEXACTMATCH",
            _p("Adam Walton", "Walton", "WAL"),
            _p("Learner Tien", "Tien", "TIE"),
            "ATP Tokyo",
            "Round Of 16",
            start,
            "new",
        ),
    ]
    for lst in listings:
        for i, t in enumerate(list_event(control, lst)):
            print_volume(control, maker, tape, t, 0.5, 30)
            quote(control, maker, t, 0.20 if i == 0 else 0.78)
        day.distractors[lst.event_ticker] = lst.series
