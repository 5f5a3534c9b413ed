"""pytest plugin: a policy repository's case files as test items.

Registered through the ``pytest11`` entry point, so installing medpolicy is
enough. It does nothing until a project names its tables in its pytest
configuration; then each table is collected as a file and every case file
beside it that carries ``expect`` becomes one test item::

    [tool.pytest.ini_options]
    medpolicy_tables = ["policies/*.yaml"]          # globs from the rootdir
    medpolicy_cases = ["cases/**/*.yaml"]           # globs from each table's folder

``medpolicy_cases`` defaults to ``cases/**/*.yaml``, ``cases/**/*.yml`` and
``cases/**/*.json``. A case file whose ``policy`` names another table is left
to that table; a case without ``expect`` is not a test. A failing case reports
the line ``medpolicy test`` prints (expected against got); a bad case file
fails its own item with the loader's message; a bad table is a collection
error. Disable the plugin with ``-p no:medpolicy``.

medpolicy itself is imported lazily, inside the hooks, so that merely having
the package installed costs other projects' test runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from medpolicy.solver.decide.decider import Decider
    from medpolicy.suite.runner import CaseResult
    from medpolicy.tables.model import Policy

DEFAULT_CASES = ["cases/**/*.yaml", "cases/**/*.yml", "cases/**/*.json"]
_TABLES = pytest.StashKey[frozenset[Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("medpolicy_tables", type="linelist", default=[],
                  help="medpolicy: glob patterns (from the rootdir) of policy tables to test")
    parser.addini("medpolicy_cases", type="linelist", default=DEFAULT_CASES,
                  help="medpolicy: glob patterns (from each table's folder) of its case files")


def _tables(config: pytest.Config) -> frozenset[Path]:
    if _TABLES not in config.stash:
        patterns: list[str] = config.getini("medpolicy_tables")
        root = config.rootpath
        config.stash[_TABLES] = frozenset(
            path.resolve() for pattern in patterns for path in root.glob(pattern) if path.is_file()
        )
    return config.stash[_TABLES]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    tables = _tables(parent.config)
    if tables and file_path.resolve() in tables:
        table: PolicyFile = PolicyFile.from_parent(parent, path=file_path)
        return table
    return None


class CaseFailed(Exception):
    """A case whose decision differs from its expectation."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.diff_line)
        self.result = result


class PolicyFile(pytest.File):
    """A policy table; its items are the case files beside it."""

    @cached_property
    def policy(self) -> Policy:
        from medpolicy.tables.loader import load_policy

        return load_policy(self.path)

    @cached_property
    def decider(self) -> Decider:
        from medpolicy.solver.decide.decider import Decider

        return Decider(self.policy)

    def collect(self) -> Iterator[pytest.Item]:
        from medpolicy.errors import InputError

        try:
            policy = self.policy
        except InputError as error:
            raise self.CollectError(f"medpolicy: bad table {self.path}:\n{error}") from None
        patterns: list[str] = self.config.getini("medpolicy_cases")
        found = sorted({p for pattern in patterns for p in self.path.parent.glob(pattern)
                        if p.is_file() and p.resolve() != self.path.resolve()})
        for path in found:
            item = _item_for(self, path, policy)
            if item is not None:
                yield item


def _item_for(parent: PolicyFile, path: Path, policy: Policy) -> CaseItem | None:
    """The item of one case file, None when it is not a test of this table."""
    from medpolicy.errors import InputError
    from medpolicy.tables.cases import load_case
    from medpolicy.tables.yamlio import load_file

    try:
        document, _ = load_file(path)
    except InputError as error:
        return CaseItem.from_parent(parent, name=path.stem, case_path=path, error=error)
    root = document.root
    if isinstance(root, dict) and root.get("policy") not in (None, policy.id):
        return None
    try:
        case = load_case(path, policy)
    except InputError as error:
        return CaseItem.from_parent(parent, name=path.stem, case_path=path, error=error)
    if case.expect is None:
        return None
    return CaseItem.from_parent(parent, name=case.id, case_path=path, case=case)


class CaseItem(pytest.Item):
    """One case file: decided against its table and compared with its expectation."""

    def __init__(self, *, case_path: Path, case: Any = None, error: Exception | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case_path = case_path
        self.case = case
        self.error = error

    def runtest(self) -> None:
        from medpolicy.suite.runner import run_case

        if self.error is not None:
            raise self.error
        parent = self.parent
        assert isinstance(parent, PolicyFile)
        result = run_case(parent.decider, self.case)
        if not result.passed:
            raise CaseFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        from medpolicy.errors import MedpolicyError

        if isinstance(excinfo.value, CaseFailed | MedpolicyError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.case_path, None, f"medpolicy case {self.name}"
