"""What a running service is configured with: where tables come from and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from medpolicy.solver.limits import DEFAULT_TIME_LIMIT

#: Default largest request body, in bytes (1 MiB).
DEFAULT_MAX_BODY = 1024 * 1024
#: Default number of decision worker threads.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
#: Default cheapest documentation alternatives per pend, as ``decide``.
DEFAULT_MAX_ALTERNATIVES = 10


@dataclass(frozen=True)
class Settings:
    """The service's tables and limits (``medpolicy serve`` options)."""

    policy_dirs: tuple[Path, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    time_limit: float = DEFAULT_TIME_LIMIT
    workers: int = DEFAULT_WORKERS
    max_alternatives: int = DEFAULT_MAX_ALTERNATIVES
    #: Host header values accepted (``medpolicy serve`` on loopback: the loopback names,
    #: against DNS rebinding); empty accepts any.
    allowed_hosts: tuple[str, ...] = ()


#: The Host names a loopback-bound service answers to.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")
