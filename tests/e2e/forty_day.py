"""A simulated day of 40 tennis matches for the best-first acceptance run (issue 11), listed by hand
through the simulator's /_sim API: 4 with the favourite 17 cents under its fair price on both routes
(YES on the favourite, NO on the other player), 36 within a few cents of fair (the first ten listed
with the underdog 3 cents cheap: small maker edges a first-come trader spends its cap on), and traps:
distractor series, unknown players, a match already being played (live data), one being played that
only its in-play prints show (no live data kept), a match 60 h out, and a match without quotes.

Players are the most active of the 2023 tour-level season (two-word ASCII names, one surname each),
so the model the user trains knows them; P(A) comes from that model (trained.model_probability).
"""

from __future__ import annotations

import csv
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tests.e2e.kalshi_day import (
    DISTRACTOR_SERIES,
    MATCH_SERIES,
    Day,
    Listing,
    Player,
    ProbFn,
    _distractors,
    _series,
    list_event,
    print_volume,
    quote,
)

from courtside.sim.control import SimControl

MISPRICE = 0.17
VOLUME = 1100  # contracts traded on every real market before the day: above --min-volume 1000
UNDERDOG_CHEAP = 0.03
US_MEN, US_WOMEN = "US Open Men Singles", "US Open Women Singles"


@dataclass
class FortyDay:
    now: datetime
    mispriced: dict[str, Listing] = field(default_factory=dict)
    near_fair: dict[str, Listing] = field(default_factory=dict)
    p_model: dict[str, float] = field(default_factory=dict)
    right: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # event -> {(ticker, book side)}
    traps: dict[str, str] = field(default_factory=dict)  # event -> what it is
    in_play_ticker: str = ""  # the market whose in-play prints keep coming

    def kind(self, event: str) -> str:
        if event in self.mispriced:
            return "mispriced"
        if event in self.near_fair:
            return "near fair"
        return self.traps.get(event, "unknown event")


def active_players(data_dir: Path, tour: str, n: int) -> list[Player]:
    """The `n` players with the most 2023 tour-level matches, two-word ASCII names, distinct
    surnames and surname codes."""
    counts: Counter[str] = Counter()
    with (data_dir / f"tennis_{tour}" / f"{tour}_matches_2023.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counts.update([row["winner_name"], row["loser_name"]])
    out: list[Player] = []
    codes: set[str] = set()
    for name, _ in counts.most_common():
        parts = name.split()
        if len(parts) != 2 or not name.replace(" ", "").isalpha() or not name.isascii():
            continue
        code = parts[1][:3].upper()
        if code in codes:
            continue
        codes.add(code)
        out.append(Player(name, parts[1], code))
        if len(out) == n:
            return out
    raise AssertionError(f"only {len(out)} usable {tour} players")


class Lister:
    """Lists matches on the simulator and keeps the day's books."""

    def __init__(self, control: SimControl, maker: str, tape: str, p_of: ProbFn, day: FortyDay) -> None:
        self.control, self.maker, self.tape, self.p_of, self.day = control, maker, tape, p_of, day
        self.hour = day.now.replace(minute=0, second=0, microsecond=0)

    def listing(self, key: str, a: Player, b: Player, hours: float, *, women: bool = False) -> Listing:
        series, comp = ("KXWTAMATCH", US_WOMEN) if women else ("KXATPMATCH", US_MEN)
        start = self.hour + timedelta(hours=hours)
        return Listing(key, series, a, b, comp, "Round Of 32", start, "new" if int(hours) % 2 else "old")

    def put(self, lst: Listing) -> tuple[list[str], float]:
        tickers = list_event(self.control, lst)
        p = self.p_of(lst)
        self.day.p_model[lst.event_ticker] = p
        return tickers, p

    def books(self, tickers: list[str], mid_a: float, half: Decimal = Decimal("0.01")) -> None:
        """The day's volume traded at these prices, then the market maker's quotes around them."""
        for ticker, mid in zip(tickers, (mid_a, 1 - mid_a), strict=True):
            print_volume(self.control, self.maker, self.tape, ticker, mid, VOLUME)
            quote(self.control, self.maker, ticker, mid, half=half)

    def ordered(self, a: Player, b: Player, lst_of: Listing, *, favourite_first: bool) -> Listing:
        """The listing with A the favourite (or the underdog), by the model."""
        p = self.p_of(lst_of)
        swap = (p < 0.5) if favourite_first else (p > 0.5)
        if not swap:
            return lst_of
        return Listing(
            lst_of.key, lst_of.series, b, a, lst_of.competition, lst_of.round, lst_of.start, lst_of.style
        )


def build_forty_day(
    control: SimControl, maker: str, tape: str, now: datetime, p_of: ProbFn, data_dir: Path
) -> FortyDay:
    day = FortyDay(now)
    for ticker, title in MATCH_SERIES.items():
        _series(control, ticker, title, ["Tennis"])
    for ticker, title in DISTRACTOR_SERIES.items():
        _series(control, ticker, title, ["Tennis", "Table Tennis"] if ticker == "KXTTMATCH" else ["Tennis"])
    men, women = active_players(data_dir, "atp", 52), active_players(data_dir, "wta", 36)
    lister = Lister(control, maker, tape, p_of, day)
    _near_fair(lister, men[:40], women[:32], random.Random(11))
    _mispriced(lister, men[40:44], women[32:36])
    _traps(lister, men[44:52])
    distractors = Day(now)
    _distractors(control, maker, tape, distractors, lister.hour)
    day.traps |= {event: f"distractor series {series}" for event, series in distractors.distractors.items()}
    return day


def _near_fair(lister: Lister, men: list[Player], women: list[Player], rng: random.Random) -> None:
    """36 matches priced within a few cents of the model, 20 men's and 16 women's; the first ten
    listed with the underdog 3 cents cheap on its own book."""
    pairs = [(men[2 * i], men[2 * i + 1], False) for i in range(20)]
    pairs += [(women[2 * i], women[2 * i + 1], True) for i in range(16)]
    for i, (a, b, w) in enumerate(pairs):
        base = lister.listing(f"n{i}", a, b, 2 + i, women=w)
        lst = lister.ordered(a, b, base, favourite_first=False) if i < 10 else base
        tickers, p = lister.put(lst)
        if i < 10:  # A, the underdog, 3 cents under the model on its own book
            lister.books(tickers, p - UNDERDOG_CHEAP)
        else:
            lister.books(tickers, p + rng.choice((-0.02, -0.01, 0.0, 0.01, 0.02)), Decimal("0.02"))
        lister.day.near_fair[lst.event_ticker] = lst


def _mispriced(lister: Lister, men: list[Player], women: list[Player]) -> None:
    """The favourite 17 cents under fair on both routes: its YES, and the other player's NO."""
    pairs = [
        (men[0], men[1], False),
        (men[2], men[3], False),
        (women[0], women[1], True),
        (women[2], women[3], True),
    ]
    for i, (a, b, w) in enumerate(pairs):
        lst = lister.ordered(a, b, lister.listing(f"m{i}", a, b, 30 + 2 * i, women=w), favourite_first=True)
        tickers, p = lister.put(lst)
        lister.books(tickers, p - MISPRICE)
        lister.day.mispriced[lst.event_ticker] = lst
        lister.day.right[lst.event_ticker] = {(tickers[0], "bid"), (tickers[1], "ask")}


def _traps(lister: Lister, men: list[Player]) -> None:
    """Known players, books that look like 17-cent bargains (unless said), and a reason not to trade."""
    control, day = lister.control, lister.day

    def bargain(key: str, a: Player, b: Player, hours: float, what: str) -> tuple[Listing, list[str]]:
        lst = lister.ordered(a, b, lister.listing(key, a, b, hours), favourite_first=True)
        tickers, p = lister.put(lst)
        lister.books(tickers, p - MISPRICE)
        day.traps[lst.event_ticker] = what
        return lst, tickers

    live, _ = bargain("s1", men[0], men[1], 3, "started (live data)")
    control.start_match(live.event_ticker)  # play began hours before its scheduled time
    quiet, tickers = bargain("s2", men[2], men[3], 4, "started (in-play prints, no live data)")
    control.start_match(quiet.event_ticker, live_data=False)
    day.in_play_ticker = tickers[0]
    bargain("w1", men[4], men[5], 60, "starts in 60 h")
    bare = lister.listing("q1", men[6], men[7], 6)
    for ticker in lister.put(bare)[0]:  # volume, but no quote on either market
        print_volume(control, lister.maker, lister.tape, ticker, 0.5, VOLUME)
    day.traps[bare.event_ticker] = "no quotes"
    ghost = lister.listing(
        "u1", Player("Quentin Xandrovic", "Xandrovic", "XAN"), Player("Basil Zyrtek", "Zyrtek", "ZYR"), 5
    )
    tickers, _ = lister.put(ghost)
    lister.books(tickers, 0.30)
    day.traps[ghost.event_ticker] = "unknown players"


@contextmanager
def in_play_tape(root_url: str, ticker: str, every: float = 0.5) -> Iterator[None]:
    """The match being played keeps trading: a print every `every` seconds, its price wandering
    (its own control client: the thread shares nothing with the test's)."""
    stop = threading.Event()
    rng = random.Random(7)

    def tape() -> None:
        price = 0.55
        with SimControl(root_url) as control:
            while not stop.wait(every):
                price = min(0.95, max(0.05, price + rng.choice((-0.03, -0.01, 0.01, 0.03))))
                control.print_trade(ticker, f"{price:.2f}", rng.choice((5, 12, 30)))

    thread = threading.Thread(target=tape, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
