"""`courtside demo`: a day of realistic matches on the simulated exchange, traded in dry-run and then
live (confirmed by flag) by the same AutoTrader, then determined, settled and summed up.

Players are real ones the model knows; the simulated market prices most matches near the model's
own probability and a few (the seeded mispricings) well away from it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from courtside.app.settings import TraderSettings
from courtside.app.trader import Predictor
from courtside.data.registry import PlayerRecord, PlayerRegistry
from courtside.domain.tennis import Level, MatchContext, Surface, Tour
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle

# Competitions the tournament table knows, with a round, per tour.
SLATE: dict[Tour, tuple[tuple[str, str, Level, Surface, int], ...]] = {
    Tour.ATP: (
        ("US Open Men Singles", "Round Of 16", Level.GRAND_SLAM, Surface.HARD, 5),
        ("ATP Bastad", "Quarterfinal", Level.TOUR_250, Surface.CLAY, 3),
        ("ATP Halle", "Round Of 32", Level.TOUR_500, Surface.GRASS, 3),
    ),
    Tour.WTA: (
        ("US Open Women Singles", "Round Of 16", Level.GRAND_SLAM, Surface.HARD, 3),
        ("WTA 125K Modena", "Round Of 16", Level.CHALLENGER, Surface.CLAY, 3),
        ("WTA Eastbourne", "Quarterfinal", Level.TOUR_250, Surface.GRASS, 3),
    ),
}
ROUND_CODES = {"Round Of 16": "R16", "Round Of 32": "R32", "Quarterfinal": "QF"}


@dataclass(frozen=True, slots=True)
class DemoMatch:
    spec: MatchSpec
    p_model: float
    mispriced: bool


@dataclass
class DemoPlan:
    matches: list[DemoMatch] = field(default_factory=list)


def known_players(registry: PlayerRegistry, tour: Tour, count: int) -> list[PlayerRecord]:
    """The busiest recent players of a tour: the model knows them well."""
    pool = [r for r in registry.records.values() if r.tour is tour and r.last_seen is not None]
    if not pool:
        return []
    latest = max(r.last_seen for r in pool if r.last_seen is not None)
    recent = [r for r in pool if r.last_seen is not None and (latest - r.last_seen).days <= 180]
    recent.sort(key=lambda r: (-r.n_tour_matches, -r.n_matches, r.key))
    return recent[:count]


def _context(tour: Tour, slot: tuple[str, str, Level, Surface, int], day: date) -> MatchContext:
    name, round_, level, surface, best_of = slot
    return MatchContext(tour, day, surface, level, ROUND_CODES[round_], best_of, name)


def plan(
    predictor: Predictor,
    registry: PlayerRegistry,
    now: datetime,
    *,
    matches: int = 12,
    mispriced: int = 3,
    seed: int = 7,
) -> DemoPlan:
    """Pairs of known players, priced by the model; `mispriced` of them get a market far off."""
    rng = random.Random(seed)
    out = DemoPlan()
    for tour in (Tour.ATP, Tour.WTA):
        players = known_players(registry, tour, matches)
        rng.shuffle(players)
        for i in range(0, min(len(players) - 1, matches), 2):
            a, b = players[i], players[i + 1]
            slot = SLATE[tour][(i // 2) % len(SLATE[tour])]
            start = (now + timedelta(hours=rng.randint(2, 30))).replace(minute=0, second=0, microsecond=0)
            p = predictor.predict(a.ref(), b.ref(), _context(tour, slot, start.date())).p_a
            out.matches.append(_match(a, b, tour, slot, start, p, rng))
    for k in rng.sample(range(len(out.matches)), min(mispriced, len(out.matches))):
        m = out.matches[k]
        off = 0.15 if m.p_model > 0.5 else -0.15
        fair = min(0.95, max(0.05, m.p_model - off))
        out.matches[k] = DemoMatch(_with_fair(m.spec, fair), m.p_model, True)
    return out


def _match(
    a: PlayerRecord,
    b: PlayerRecord,
    tour: Tour,
    slot: tuple[str, str, Level, Surface, int],
    start: datetime,
    p: float,
    rng: random.Random,
) -> DemoMatch:
    fair = min(0.95, max(0.05, p + rng.gauss(0.0, 0.01)))
    spec = MatchSpec(
        a.full_name,
        b.full_name,
        tour,
        slot[0],
        slot[1],
        start,
        fair,
        surname_a=a.name_last,
        surname_b=b.name_last,
    )
    return DemoMatch(spec, p, False)


def _with_fair(spec: MatchSpec, fair: float) -> MatchSpec:
    from dataclasses import replace

    return replace(spec, fair_prob_a=fair)


def bundle_for(demo: DemoPlan, maker_user_id: str, now: datetime, seed: int = 7) -> dict[str, Any]:
    specs: Sequence[MatchSpec] = [m.spec for m in demo.matches]
    return build_bundle(specs, maker_user_id, now, seed=seed, liquidity=Liquidity(noise=0.0), distractors=4)


def demo_settings(base_url: str, var: Path, *, live: bool, model: Path | None = None) -> TraderSettings:
    """The demo's settings: the simulator, its own journal, auto order style, no volume floor
    (freshly listed simulated markets have traded nothing yet); no alerts sent (a simulated day is not
    news for the owner's phone: they are journalled, and the dashboard shows them as not sent)."""
    from courtside.app.config import load_settings

    return load_settings(
        None,
        env=base_url,
        db=f"sqlite:///{var / 'demo.db'}",
        live=live,
        confirm_live=live,
        min_volume="0",
        order_style="auto",
        kill_file=var / "DEMO_KILL",
        log_file=var / "demo.log",
        paper_cash="1000",
        max_size="25",
        max_hours=48,
        alerts="",
        model=model,  # None: the configured one (the demo passes the one it trades on)
    )


def decimal_sum(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0))
