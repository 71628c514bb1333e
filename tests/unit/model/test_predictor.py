"""Live prediction sees exactly the features the training pass saw, and explains itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from tests.unit.model.synth import synthetic_matches

from courtside.domain.tennis import Level, MatchContext, PlayerRef, Surface, Tour
from courtside.model.artifact import Artifact
from courtside.model.dataset import build
from courtside.model.features import DIFF_NAMES
from courtside.model.predictor import ArtifactPredictor, SurfaceUnknownError, UnknownPlayerError
from courtside.model.walkforward import TrainConfig, fit_model


def _predictor(history: pd.DataFrame) -> ArtifactPredictor:
    ff, state = build(history)
    model = fit_model(
        history, ff, history["tourney_date"].max(), TrainConfig(train_years=5, calibration_months=3)
    )
    players = pd.DataFrame({"key": sorted(state.elo.index), "dob": None})
    return ArtifactPredictor(Artifact(state, model, players, {"model_version": "test"}))


@pytest.mark.parametrize(("rnd", "known"), [("R16", ()), ("QF", ("R16",))])
def test_live_features_match_the_training_pass(rnd: str, known: tuple[str, ...]) -> None:
    """The next event's first round, and a later round once the earlier one is rolled in."""
    matches = synthetic_matches(n_weeks=40)
    last_week = matches["tourney_date"] == matches["tourney_date"].max()
    history = matches[~last_week | matches["round"].isin(known)].reset_index(drop=True)
    predictor = _predictor(history)
    full, _ = build(matches)
    rows = matches.index[last_week & (matches["round"] == rnd)]
    keep = [j for j, name in enumerate(DIFF_NAMES) if name != "age"]  # live age comes from dob
    for i in rows:
        row = matches.loc[i]
        day = row["tourney_date"].date() + timedelta(days=2 if known else 0)
        ctx = MatchContext(
            Tour.ATP, day, Surface(row["surface"]), Level.TOUR_250, rnd, 3, tourney_name=row["tourney_name"]
        )
        diffs, context = predictor.features(row["winner_key"], row["loser_key"], ctx)
        np.testing.assert_allclose(diffs[0, keep], full.diffs[i, keep], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(context[0], full.context[i], rtol=1e-12)


def test_prediction_is_symmetric_explained_and_refuses_strangers() -> None:
    predictor = _predictor(synthetic_matches(n_weeks=30))
    ctx = MatchContext(Tour.ATP, pd.Timestamp("2015-08-03").date(), Surface.CLAY, Level.GRAND_SLAM, "R32", 5)
    a, b = PlayerRef("atp:1000", "Player 0"), "atp:1001"
    pa = predictor.predict(a, b, ctx)
    assert pa.p_a + predictor.predict(b, a, ctx).p_a == 1.0
    assert set(pa.contributions) >= {"rating", "surface", "form", "fatigue", "h2h"}
    assert pa.model_version == "test"
    with pytest.raises(UnknownPlayerError) as err:
        predictor.predict("atp:999999", b, ctx)
    assert isinstance(err.value, KeyError)
    assert "atp:999999" in str(err.value)


def test_an_unknown_surface_is_priced_on_the_blend_of_the_prior_and_says_so() -> None:
    """P(A) = sum of P(surface) x P(A on it); never the untrained 'no surface' input."""
    predictor = _predictor(synthetic_matches(n_weeks=30))
    day = pd.Timestamp("2015-08-03").date()
    a, b = "atp:1000", "atp:1001"
    on = {
        s: predictor.predict(a, b, MatchContext(Tour.ATP, day, s, Level.CHALLENGER, "R32", 3)).p_a
        for s in (Surface.HARD, Surface.CLAY)
    }
    assert on[Surface.HARD] != on[Surface.CLAY]
    prior = ((Surface.HARD, 0.75), (Surface.CLAY, 0.25))
    ctx = MatchContext(Tour.ATP, day, None, Level.CHALLENGER, "R32", 3, surface_prior=prior)
    blend = predictor.predict(a, b, ctx)
    assert blend.p_a == pytest.approx(0.75 * on[Surface.HARD] + 0.25 * on[Surface.CLAY], abs=1e-12)
    assert blend.p_a + predictor.predict(b, a, ctx).p_a == pytest.approx(1.0, abs=1e-12)
    assert blend.notes == ("surface unknown: blend of Hard 0.75, Clay 0.25",)
    hard = predictor.predict(a, b, replace(ctx, surface=Surface.HARD))
    assert set(blend.contributions) == set(hard.contributions)
    with pytest.raises(SurfaceUnknownError, match="no surface prior"):
        predictor.predict(a, b, replace(ctx, surface_prior=()))
