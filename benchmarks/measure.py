"""Measuring: per-call timings and their statistics, subprocess wall time and peak memory, load.

Timings use ``time.perf_counter_ns``. Peak memory of a command is measured two
ways, from ``/proc`` every 20 ms: the high-water mark of its main process
(``VmHWM``; ``wait4``'s ``ru_maxrss`` would count the harness itself, copied
by ``fork`` before ``exec``) and the peak of the summed resident sets of its
whole process tree (workers included). CPU time comes from ``wait4``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def time_each(function: Callable[[T], object], items: Iterable[T]) -> list[float]:
    """Seconds each call of ``function`` took, one per item, in order."""
    clock = time.perf_counter_ns
    samples = []
    for item in items:
        start = clock()
        function(item)
        samples.append((clock() - start) / 1e9)
    return samples


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of the samples lie (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Median, p99, mean, min and max of seconds, in milliseconds, and the count."""
    return {
        "median_ms": statistics.median(samples) * 1e3,
        "p99_ms": percentile(samples, 0.99) * 1e3,
        "mean_ms": statistics.fmean(samples) * 1e3,
        "min_ms": min(samples) * 1e3,
        "max_ms": max(samples) * 1e3,
        "n": float(len(samples)),
    }


def rounds(function: Callable[[T], object], items: Sequence[T], repeat: int) -> dict[str, Any]:
    """Times every item ``repeat`` times; the figures of the round with the median median.

    Also gives each round's median, so the spread between rounds (noise from
    other load on the machine) is on record.
    """
    results = [summary(time_each(function, items)) for _ in range(max(1, repeat))]
    medians = [r["median_ms"] for r in results]
    chosen = sorted(results, key=lambda r: r["median_ms"])[len(results) // 2]
    return {**chosen, "round_medians_ms": medians}


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import clingo

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cores": cores,
        "cpu": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "clingo": clingo.__version__,
        "commit": _commit(),
        "load_average": load_average(),
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True, cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as stream:
            return int(stream.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def peak_rss(pid: int) -> int:
    """The highest resident set of a running process so far (``VmHWM``), in bytes."""
    try:
        with open(f"/proc/{pid}/status", "rb") as stream:
            for line in stream:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_rss(root: int) -> int:
    """Bytes resident in a process and all its descendants now."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss(pid)
        stack.extend(tree.get(pid, ()))
    return total


@dataclass(frozen=True)
class Run:
    """A finished command: wall and CPU seconds, exit code, stderr, peak memory in bytes.

    ``cpu_seconds`` is user plus system time of the command and every child it
    waited for (its worker processes). ``peak_main_rss`` is the main process's
    own high-water mark; ``peak_tree_rss`` the highest sampled sum over the
    whole process tree.
    """

    seconds: float
    cpu_seconds: float
    returncode: int
    stderr: str
    peak_tree_rss: int
    peak_main_rss: int


def run_command(argv: Sequence[str], *, stdout: Path | None = None, sample: bool = True) -> Run:
    """Runs a command to the end, timing it and (with ``sample``) watching its memory."""
    out = open(stdout, "wb") if stdout is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.PIPE)
        peak = [0, 0]
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], tree_rss(process.pid))
                peak[1] = max(peak[1], peak_rss(process.pid))

        watcher = threading.Thread(target=watch, daemon=True)
        if sample and Path("/proc").is_dir():
            watcher.start()
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        if watcher.is_alive():
            watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout is not None and not isinstance(out, int):
            out.close()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, process.returncode, stderr.decode(errors="replace"), peak[0],
               peak[1])
