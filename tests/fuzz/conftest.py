"""Hypothesis profiles for the fuzz suite. `ci` (the default) is bounded and derandomized, so the whole
suite stays within its time on two cores and a run is repeatable; `deep` explores further, with fresh
randomness each run: COURTSIDE_FUZZ=deep pytest tests/fuzz (optionally COURTSIDE_FUZZ_EXAMPLES=N)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # a scan over the in-process exchange takes tens of milliseconds, more under load
    "database": None,  # no .hypothesis folder left in the checkout
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=60, derandomize=True, **_COMMON)
settings.register_profile(
    "deep", max_examples=int(os.environ.get("COURTSIDE_FUZZ_EXAMPLES", "2000")), derandomize=False, **_COMMON
)
settings.load_profile(os.environ.get("COURTSIDE_FUZZ", "ci"))
