"""The tables a service answers for: the bundled policies plus every table in its folders.

Each table is loaded and validated once at start-up (a bad table stops the
start with its located problems, as the CLI reports them). A table in a
folder replaces a bundled one with the same id; two tables in the folders
with the same id are an error naming both files. Every problem of every
folder table is reported at once. Folders are read
non-recursively: every ``*.yaml`` and ``*.yml`` file is a table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medpolicy.errors import InputError, LoadError, Location, Problem
from medpolicy.tables.loader import bundled_policies, load_policy
from medpolicy.tables.model import Policy

_LOG = logging.getLogger("medpolicy.service")


@dataclass(frozen=True)
class Entry:
    """A loaded table and the YAML text it was loaded from."""

    policy: Policy
    source: str


class Registry:
    """Loaded tables by policy id, in id order."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = {e.policy.id: e for e in sorted(entries, key=lambda e: e.policy.id)}

    @classmethod
    def load(cls, folders: Iterable[Path] = ()) -> Registry:
        """The bundled tables, then every table of ``folders`` (which win over bundled ones)."""
        entries: dict[str, Entry] = {}
        for name, _title, _version in bundled_policies():
            policy = load_policy(name)
            entries[policy.id] = Entry(policy, _read(policy.path))
        bundled = set(entries)
        from_folders: dict[str, str] = {}
        problems: list[Problem] = []
        for folder in folders:
            for path in _tables(folder):
                try:
                    policy = load_policy(path)
                except InputError as error:
                    problems.extend(error.problems)
                    continue
                if policy.id in from_folders:
                    problems.append(Problem(
                        Location(str(path), path="id"),
                        f"duplicate policy id '{policy.id}' (also in {from_folders[policy.id]})"))
                    continue
                if policy.id in bundled:
                    _LOG.info("%s replaces the bundled policy '%s'", path, policy.id)
                from_folders[policy.id] = str(path)
                entries[policy.id] = Entry(policy, _read(path))
        if problems:
            raise LoadError(problems)
        return cls(entries.values())

    def ids(self) -> list[str]:
        return list(self._entries)

    def get(self, policy_id: str) -> Entry | None:
        return self._entries.get(policy_id)

    def entries(self) -> list[Entry]:
        return list(self._entries.values())


def _tables(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise LoadError([Problem(Location(str(folder)), "not a folder of tables",
                                 expected="a directory with *.yaml tables")])
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _read(path: str | Path) -> str:
    return Path(path).read_text("utf-8")
