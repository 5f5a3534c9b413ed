"""Shared fixtures: the bundled esi policy, one Decider for it, and the seed cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from medpolicy import Decider, Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]
SEED_CASES = sorted((ROOT / "examples" / "cases").glob("*.yaml"))

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# "ci" (the default) is derandomized: every run draws the same examples, so a
# red CI run is reproducible. "explore" draws new random examples each run.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          max_examples=200, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def esi() -> Policy:
    """The bundled esi policy."""
    return load_policy("esi")


@pytest.fixture(scope="session")
def esi_decider(esi: Policy) -> Decider:
    """One grounded Decider for esi, shared by the tests that only decide."""
    return Decider(esi)


# The Dask cluster fixtures (dask_client, dask_scheduler), shared by tests/batch and tests/cli.
from tests.dask_fixtures import dask_client, dask_scheduler  # noqa: E402, F401
