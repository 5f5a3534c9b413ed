"""Run the benchmark sections, print a table and write the figures as JSON.

    python -m benchmarks                 # full run (a few minutes on 2 cores)
    python -m benchmarks --quick         # tiny sizes, seconds; what the tests run
    python -m benchmarks --only decide,cold --profile

Each section notes the load average before and after it: figures taken while
other work runs on the machine are slower, and the JSON says so.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from benchmarks.config import FULL, QUICK, Sizes
from benchmarks.goals import REGISTERED, print_goals
from benchmarks.measure import load_average, machine
from benchmarks.report import Section, print_table, write_json
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Policy

SECTIONS = ("peers", "decide", "baselines", "scaling", "batch", "scale", "perfscale", "cold")
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def _names() -> tuple[str, ...]:
    """The built-in sections, then those registered in ``benchmarks.goals``."""
    return (*SECTIONS, *REGISTERED)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the test suite)")
    parser.add_argument("--only", default=",".join(_names()),
                        help=f"comma-separated sections to run (default: {','.join(_names())})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="directory for the JSON results (default: benchmarks/out)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated cases")
    parser.add_argument("--profile", action="store_true",
                        help="also profile decide (cProfile) into the output directory")
    arguments = parser.parse_args(argv)
    unknown = set(arguments.only.split(",")) - set(_names())
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return arguments


def _sections(
    policy: Policy, sizes: Sizes, arguments: argparse.Namespace, work: Path
) -> dict[str, Callable[[], Section]]:
    from benchmarks.inprocess import baselines_section, decide_section
    from benchmarks.peers import peers_section
    from benchmarks.perfscale import perfscale_section
    from benchmarks.processes import batch_section, cold_section
    from benchmarks.scale_bench import scale_section
    from benchmarks.scaling import scaling_section

    profile = arguments.out if arguments.profile else None
    seed = arguments.seed
    makers: dict[str, Callable[[], Section]] = {
        "peers": lambda: peers_section(policy, sizes, seed),
        "decide": lambda: decide_section(policy, sizes, seed, profile),
        "baselines": lambda: baselines_section(policy, sizes, seed),
        "scaling": lambda: scaling_section(policy, sizes, seed),
        "batch": lambda: batch_section(policy, sizes, seed, work),
        "scale": lambda: scale_section(policy, sizes, seed, work),
        "perfscale": lambda: perfscale_section(quick=sizes is QUICK),
        "cold": lambda: cold_section(sizes),
    }
    for name, maker in REGISTERED.items():
        makers[name] = lambda maker=maker: maker(policy, sizes, seed, work)  # type: ignore[misc]
    return makers


def run(argv: Sequence[str] | None = None) -> Path:
    """Run the chosen sections; the path of the JSON written."""
    arguments = _arguments(argv)
    sizes = QUICK if arguments.quick else FULL
    policy = load_policy("esi")
    wanted = [name for name in _names() if name in arguments.only.split(",")]
    info = machine()
    done: list[Section] = []
    with tempfile.TemporaryDirectory(prefix="medpolicy-bench-") as scratch:
        work = Path(scratch) if arguments.quick else arguments.out
        makers = _sections(policy, sizes, arguments, work)
        for name in wanted:
            load_before = load_average()
            started = time.perf_counter()
            section = makers[name]()
            section.seconds = time.perf_counter() - started
            section.load_before, section.load_after = load_before, load_average()
            done.append(section)
            print(f"[{name}: {section.seconds:.1f} s]", file=sys.stderr)
    mode = "quick" if arguments.quick else "full"
    header = (f"medpolicy benchmarks ({mode}), {info['date']}, {info['cores']} cores "
              f"({info['cpu'] or 'unknown cpu'}), python {info['python']}, "
              f"clingo {info['clingo']}, commit {info['commit']}, load {info['load_average']}")
    print_table(done, header, arguments.quick, sys.stdout)
    print_goals(done, arguments.quick, sys.stdout)
    payload = {"machine": info, "mode": mode, "sizes": asdict(sizes), "seed": arguments.seed}
    path = write_json(arguments.out, payload, done)
    print(f"wrote {path}")
    return path


def main() -> None:
    run()
