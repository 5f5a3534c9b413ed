"""Time and peak memory of whole commands on the pathological tables.

    python -m benchmarks.hardening                 # --time-limit 5 (about a minute)
    python -m benchmarks.hardening --time-limit 30

Each command runs in its own process (``medpolicy`` as a user runs it); the
wall time and the peak resident memory come from ``os.wait4``. The tables
are the shapes of the hardening findings (``benchmarks/pathological.py``):
before the fixes the parity table hung for minutes, check on the 3-SAT
shape ran past 500 s and 14.6 GB, the thresholds-heavy shape took 106 s and
3.4 GB, and the 2,000-deep chain died with RecursionError.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pathological import chain_yaml, parity_yaml, sat_yaml, thresholds_yaml

_COMMAND = [sys.executable, "-c", "from medpolicy.cli import main; main()"]


def _measure(args: list[str]) -> tuple[float, float, int, str]:
    """Seconds, peak MB, exit code and the last stderr line of one command."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen([*_COMMAND, *args], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, code, (lines[-1] if lines else "")


def main(argv: list[str] | None = None) -> None:
    """Run every pathological command and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="5")
    options = parser.parse_args(argv)
    limit = options.time_limit
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tables = {"parity-40": parity_yaml(40), "chain-2000": chain_yaml(2000),
                  "3-sat 60x256": sat_yaml(60, 256), "thresholds 20x600": thresholds_yaml(20, 600)}
        paths = {}
        for name, text in tables.items():
            paths[name] = root / f"{name.split()[0]}.yaml"
            paths[name].write_text(text, encoding="utf-8")
        case = root / "case.yaml"
        case.write_text("id: open\nfacts: {}\n", encoding="utf-8")
        runs = [
            ("parity-40", ["decide", str(paths["parity-40"]), str(case), "--time-limit", limit]),
            ("parity-40", ["check", str(paths["parity-40"]), "--time-limit", limit]),
            ("chain-2000", ["validate", str(paths["chain-2000"])]),
            ("3-sat 60x256", ["check", str(paths["3-sat 60x256"]), "--time-limit", limit]),
            ("thresholds 20x600",
             ["check", str(paths["thresholds 20x600"]), "--time-limit", limit]),
        ]
        print("| table | command | wall (s) | peak MB | exit | message |")
        print("|---|---|---|---|---|---|")
        for name, args in runs:
            seconds, peak, code, message = _measure(args)
            shown = message.replace(str(root) + "/", "")
            command = f"{args[0]} --time-limit {limit}" if "--time-limit" in args else args[0]
            print(f"| {name} | {command} | {seconds:.1f} | {peak:.0f} "
                  f"| {code} | {shown[:110]} |", flush=True)


if __name__ == "__main__":
    main()
