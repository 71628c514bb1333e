"""Fuzz: one mutation of the exchange's answers (a series, an event, a market or a book of the world in
fuzz_world.py: the simulator's generated day and the recorded Modena market and book) and one dry-run
scan of the real trader. Whatever the mutation (fuzz_mutations.py):

- no exception escapes the scan;
- every skip carries a reason, in the scan's verdicts and in the journal;
- no order appears that the clean world would not place, and every match is priced on the players
  its markets name;
- a wrong value in a field the bot relies on skips every match it touches, with the reason, and no
  order is placed on one; every other match is decided as on clean data;
- a field the bot does not use changes nothing at all.

`ci` profile (default): 60 derandomized examples. COURTSIDE_FUZZ=deep for thousands.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fuzz_mutations import Kind, Mutation, any_mutation
from fuzz_world import Outcome, World
from hypothesis import event, given
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def world(recorded_dir: Path) -> World:
    return World.make(recorded_dir)


@pytest.fixture(scope="module")
def clean(world: World) -> Outcome:
    return asyncio.run(world.scan())


def test_the_clean_world_orders_on_most_matches_and_skips_none(world: World, clean: Outcome) -> None:
    """The baseline the properties are measured against: mutations have something to stop."""
    assert len(clean.ordered) >= 5
    assert "KXWTACHALLENGERMATCH-26JUN11JIMLEP" in clean.ordered  # the recorded market and book
    assert not [e for e, (d, _) in clean.verdicts.items() if d == "skipped"]
    assert len(clean.verdicts) == len(world.targets)


@given(data=st.data())
def test_one_mutation_costs_at_most_the_matches_it_touches(
    world: World, clean: Outcome, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(world.targets), label="target")
    mutation = data.draw(any_mutation(target, world.ids), label="mutation")
    event(mutation.kind.value)
    event(mutation.name.split(" <- ")[0].split(" + ")[0])  # the field, for the statistics
    out = asyncio.run(world.scan(mutation.rule))  # raises if anything escapes the scan

    _every_skip_has_a_reason(out)
    assert out.ordered <= clean.ordered, f"{mutation.name} made new orders: {out.ordered - clean.ordered}"
    assert set(out.asked) <= set(out.named.values()), f"{mutation.name}: priced on players not named"
    if mutation.kind is Kind.RELIED:
        _touched_are_skipped(mutation, out)
        _the_rest_as_on_clean_data(mutation, out, clean)
    elif mutation.kind is Kind.TOLERATED:
        assert out.ordered == clean.ordered, mutation.name
        assert {e: d for e, (d, _) in out.verdicts.items()} == {e: d for e, (d, _) in clean.verdicts.items()}


def _every_skip_has_a_reason(out: Outcome) -> None:
    for ticker, (decision, reasons) in out.verdicts.items():
        if decision == "skipped":
            assert reasons, f"{ticker} skipped without a reason"
            assert all(r.strip() for r in reasons), f"{ticker} skipped with an empty reason"
    for ticker, reasons in out.journal_skips:
        assert reasons.strip(), f"{ticker} journalled as skipped without a reason"


def _touched_are_skipped(m: Mutation, out: Outcome) -> None:
    assert not (out.ordered & m.touched), f"{m.name}: ordered on {out.ordered & m.touched}"
    for name in m.skips:
        decision, reasons = out.verdicts.get(name, ("absent", ()))
        assert decision == "skipped", f"{m.name}: {name} was {decision}, not skipped"
        assert reasons, f"{m.name}: {name} skipped without a reason"


def _the_rest_as_on_clean_data(m: Mutation, out: Outcome, clean: Outcome) -> None:
    untouched = set(clean.verdicts) - m.touched
    assert out.ordered - m.touched == clean.ordered - m.touched, m.name
    for name in untouched:
        assert out.verdicts.get(name, ("absent",))[0] == clean.verdicts[name][0], f"{m.name}: {name} changed"
