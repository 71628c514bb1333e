"""The win-probability model: Elo family + as-of features + a symmetric calibrated learner.

Public entry points (import from the modules, so `import courtside.model` stays light):
- `predictor.load_predictor(path) -> ArtifactPredictor` with `.predict(a, b, ctx) -> Prediction`;
  `predictor.UnknownPlayerError` for players without a rated match (skip the match).
- `training.train_artifact(data_dir, out, until)`, `artifact.load / save / roll_forward`.
- `walkforward.walk_forward(matches, train_until, test_from, test_to)` for as-of predictions.
- `evaluate.run_evaluation(...)` behind `courtside model evaluate`.
See docs/model.md.
"""
