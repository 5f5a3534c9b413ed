"""Shared fixtures: the bundled esi policy, one Decider for it, and the seed cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import Decider, Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]
SEED_CASES = sorted((ROOT / "examples" / "cases").glob("*.yaml"))


@pytest.fixture(scope="session")
def esi() -> Policy:
    """The bundled esi policy."""
    return load_policy("esi")


@pytest.fixture(scope="session")
def esi_decider(esi: Policy) -> Decider:
    """One grounded Decider for esi, shared by the tests that only decide."""
    return Decider(esi)
