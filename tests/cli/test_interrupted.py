"""A signal raised inside a clingo callback reaches the CLI as the same signal."""

from __future__ import annotations

import signal

import clingo
import pytest

from medpolicy.cli.streams import Interrupted


def test_interrupted_from_a_clingo_callback_keeps_its_signal() -> None:
    """clingo re-raises a callback's exception as type(e)(e); the stop still names
    SIGTERM and exits 143 (batch printed a traceback when this failed)."""
    ctl = clingo.Control(["0"])
    ctl.add("base", [], "{ a }.")
    ctl.ground([("base", [])])

    def on_model(_: clingo.Model) -> None:
        raise Interrupted(signal.SIGTERM)

    with pytest.raises(Interrupted) as caught:
        ctl.solve(on_model=on_model)
    assert caught.value.signum == signal.SIGTERM
    assert caught.value.name == "SIGTERM"
    assert caught.value.exit_code == 128 + signal.SIGTERM
