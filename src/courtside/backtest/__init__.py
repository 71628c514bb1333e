"""Walk-forward replay of historical matches against Kalshi-like books built from closing odds.

matches (MatchSpec from the odds rows) -> books (synthetic YES books around the Shin fair price) ->
engine.run (day by day through a ReplayActor) -> actor (the real strategy, risk and paper-fill rule) ->
settle (1/0, or the fair price on walkovers and retirements) -> records (trades.csv) -> metrics and
output (summary.json, plots) -> honesty (look-ahead and control checks). run.py wires it for the CLI.
"""
