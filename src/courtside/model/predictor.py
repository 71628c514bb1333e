"""Live prediction: P(A beats B) for a match about to start, from a trained artifact.

The features are computed by the same `FeatureState.pair` as in training, from the state the
artifact carries (rolled forward to the latest results), so live and backtest agree.
An unknown player raises `UnknownPlayerError` (a DataError and a KeyError): skip that match.
An unknown surface is priced as the blend over the surfaces `MatchContext.surface_prior` allows,
sum of P(surface) x P(A wins on it), never as a surface the model did not train on; without a
prior it raises `SurfaceUnknownError` (a DataError).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import numpy as np

from courtside.data.sources import ROUND_ORDER
from courtside.domain.errors import DataError
from courtside.domain.tennis import Level, MatchContext, PlayerRef, Prediction, Tour
from courtside.model import artifact as artifact_io
from courtside.model.calibration import Temperature
from courtside.model.chrono import EPOCH, NO_SURFACE, SURFACE_INDEX
from courtside.model.features import Occasion, Side

IN_EVENT_DAYS = 16  # both players' latest event this recent: the match belongs to it
TERM_GROUPS: dict[str, tuple[str, ...]] = {
    "rating": ("elo_logit", "elo_all", "dominance"),
    "surface": ("elo_surf",),
    "ranking": ("log_rank", "log_points", "unranked", "log_matches"),
    "form": ("form_winrate", "form_residual"),
    "fatigue": ("event_matches", "event_minutes", "prev_minutes", "recent_matches", "log_rest_days"),
    "h2h": ("h2h",),
    "physical": ("left_handed", "age", "height"),
    "home": ("home",),
}


class UnknownPlayerError(DataError, KeyError):
    """The model has never seen this player (no rated match): skip the match and log why."""

    def __init__(self, player: str) -> None:
        super().__init__(f"player {player!r} is unknown to the model (no rated match)")
        self.player = player

    def __str__(self) -> str:
        return str(self.args[0])


class SurfaceUnknownError(DataError):
    """No surface and no surface prior to blend over: skip the match and log why."""

    def __init__(self, tourney: str | None) -> None:
        what = repr(tourney) if tourney else "the tournament"
        super().__init__(f"surface of {what} unknown and no surface prior to blend over")


class Predictor(Protocol):
    """What the trader asks: P(A beats B) with the log-odds terms behind it."""

    def predict(self, a: PlayerRef | str, b: PlayerRef | str, ctx: MatchContext) -> Prediction: ...


class ArtifactPredictor:
    """A Predictor over a loaded artifact; players are keys ('atp:104925') or PlayerRefs."""

    def __init__(self, art: artifact_io.Artifact) -> None:
        self.artifact = art
        self.state = art.state
        self.model = art.model
        self._dob = _dobs(art)

    def _index(self, player: PlayerRef | str, tour: Tour) -> tuple[str, int]:
        key = player.key if isinstance(player, PlayerRef) else str(player)
        if ":" not in key:
            key = f"{tour.value}:{key}"
        idx = self.state.elo.index.get(key)
        if idx is None:
            raise UnknownPlayerError(key)
        return key, idx

    def _side(self, key: str, day: date) -> Side:
        dob = self._dob.get(key)
        age = (day - dob).days / 365.25 if dob is not None else math.nan
        return Side(key, math.nan, math.nan, "", math.nan, "", age)

    def _current_event(self, keys: tuple[str, str], ctx: MatchContext) -> tuple[str, int] | None:
        """(event id, Monday day number) when a player's latest event is this one (same name, recent)."""
        day_now = (ctx.match_date - EPOCH.date()).days
        wanted = _norm(ctx.tourney_name or "")
        for key in keys:
            form = self.state.features.form(key)
            seen = _norm(self.state.features.event_names.get(form.last_event, ""))
            recent = 0 <= day_now - form.last_event_day <= IN_EVENT_DAYS
            if recent and wanted and seen and (wanted in seen or seen in wanted):
                return form.last_event, form.last_event_day
        return None

    def occasion(self, ka: str, kb: str, ctx: MatchContext) -> Occasion:
        """The match as the feature state sees it: a later round of the players' event, or a new one."""
        monday = ctx.match_date - timedelta(days=ctx.match_date.weekday())
        current = self._current_event((ka, kb), ctx)
        if current is not None:
            event, day = current
        else:
            event, day = f"live:{ctx.tourney_name or ''}@{monday}", (monday - EPOCH.date()).days
        surface = SURFACE_INDEX.get(ctx.surface.value, NO_SURFACE) if ctx.surface else NO_SURFACE
        level = (ctx.level or Level.TOUR_250).value
        round_order = ROUND_ORDER.get(ctx.round or "", 12)
        wta = 1 if ctx.tour == Tour.WTA else 0
        name = ctx.tourney_name or ""
        return Occasion(event, day, ctx.country or "", ctx.best_of, level, round_order, surface, wta, name)

    def features(self, a: PlayerRef | str, b: PlayerRef | str, ctx: MatchContext) -> tuple[np.ndarray, ...]:
        """(differences, context) rows of shape (1, k) for the pair, as of now."""
        ka, ia = self._index(a, ctx.tour)
        kb, ib = self._index(b, ctx.tour)
        occ = self.occasion(ka, kb, ctx)
        p = self.state.elo.pre(ia, ib, occ.surface, ctx.best_of)
        pre = np.array(p.row())
        diffs, context = self.state.features.pair(
            self._side(ka, ctx.match_date), self._side(kb, ctx.match_date), occ, pre
        )
        return np.array([diffs]), np.array([context])

    def predict(self, a: PlayerRef | str, b: PlayerRef | str, ctx: MatchContext) -> Prediction:
        if ctx.surface is None:
            return self._blend(a, b, ctx)
        diffs, context = self.features(a, b, ctx)
        p = float(self.model.predict(diffs, context)[0])
        return Prediction(p, self._contributions(diffs, context), self.artifact.version)

    def _blend(self, a: PlayerRef | str, b: PlayerRef | str, ctx: MatchContext) -> Prediction:
        """Surface unknown: P(A wins) = sum of P(surface) x P(A wins on that surface), over the prior."""
        prior = [(s, w) for s, w in ctx.surface_prior if w > 0.0]
        total = sum(w for _, w in prior)
        if not prior:
            raise SurfaceUnknownError(ctx.tourney_name)
        parts = [(w / total, self.predict(a, b, replace(ctx, surface=s, surface_prior=()))) for s, w in prior]
        p = sum(w * part.p_a for w, part in parts)
        terms = {k: sum(w * part.contributions.get(k, 0.0) for w, part in parts) for k in TERM_GROUPS}
        blend = ", ".join(f"{s.value} {w / total:.2f}" for s, w in prior)
        return Prediction(p, terms, self.artifact.version, (f"surface unknown: blend of {blend}",))

    def _contributions(self, diffs: np.ndarray, context: np.ndarray) -> dict[str, float]:
        terms = self.model.learner.logit_terms(diffs, context)
        scale = self.model.calibrator.a if isinstance(self.model.calibrator, Temperature) else 1.0
        return {g: scale * sum(float(terms[n][0]) for n in names) for g, names in TERM_GROUPS.items()}


def _norm(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def _dobs(art: artifact_io.Artifact) -> dict[str, date]:
    players = art.players
    if "dob" not in players.columns:
        return {}
    ok = players[players["dob"].notna()]
    return {str(k): d for k, d in zip(ok["key"], ok["dob"], strict=True) if isinstance(d, date)}


def load_predictor(path: Path) -> ArtifactPredictor:
    """Load an artifact folder written by `courtside model train`."""
    return ArtifactPredictor(artifact_io.load(Path(path)))
