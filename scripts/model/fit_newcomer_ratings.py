#!/usr/bin/env python3
"""Fit the Elo family's newcomer ratings (`courtside.model.ratings.NEWCOMER_RATING`) on past results.

    python scripts/model/fit_newcomer_ratings.py --data $COURTSIDE_DATA --until 2018-12-31

Coordinate descent on a 100-point grid from 1300 (the old single unranked rating): each tour x level
group's seed is the one under which the Elo log loss of all the tour's completed matches from
--score-from to --until is lowest (`courtside.model.newcomers`). Prints the seeds, the tours' log loss
before and after, and per group the newcomers (first seen unranked from --since), their first --first
completed matches and those matches' log loss. The shipped values come from the defaults below: results
through 2018, so the tuning seasons 2019-2021 judge them out of sample. A run takes a few minutes.

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
results from tennis-data.co.uk.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from courtside.data.results import load_results
from courtside.data.sources import ATTRIBUTION
from courtside.model.newcomers import fit_newcomer_ratings


def main(
    data: Path = typer.Option(..., envvar="COURTSIDE_DATA", help="folder with tennis_atp/, tennis_wta/"),
    until: str = typer.Option("2018-12-31", help="last result used, YYYY-MM-DD"),
    since: str = typer.Option("1995-01-01", help="newcomers first seen from this date"),
    score_from: str = typer.Option("2005-01-01", help="the tours' matches are scored from this date"),
    first: int = typer.Option(20, help="a newcomer's first N matches are reported"),
) -> None:
    matches = load_results(data).matches
    matches = matches[matches["tourney_date"] <= pd.Timestamp(until)].reset_index(drop=True)
    fit = fit_newcomer_ratings(matches, since=since, score_from=score_from, first=first)
    console = Console(width=160)
    table = Table(title=f"newcomer ratings fitted on results through {until}")
    for col in ("group", "seed", "newcomers", f"their first {first} matches", "their log loss"):
        table.add_column(col)
    for group in sorted(fit.seeds):
        table.add_row(
            group,
            f"{fit.seeds[group]:.0f}",
            str(fit.players[group]),
            str(fit.matches[group]),
            f"{fit.newcomer_loss[group]:.4f}",
        )
    console.print(table)
    for tour in sorted(fit.tour_loss):
        console.print(
            f"{tour}: Elo log loss of completed matches {score_from}..{until}: "
            f"{fit.start_loss[tour]:.5f} with every seed at 1300, {fit.tour_loss[tour]:.5f} fitted"
        )
    console.print(f"[dim]{ATTRIBUTION}[/]")


if __name__ == "__main__":
    typer.run(main)
