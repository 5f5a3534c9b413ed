"""What importing medpolicy costs: each heavy dependency is loaded only where it is used.

Each check runs in a fresh interpreter and reads ``sys.modules``, since this
test process has long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SEED = str(ROOT / "examples" / "cases" / "seed-004-lumbar-incomplete.yaml")


def _loaded_after(code: str) -> set[str]:
    """The module names loaded after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _has(modules: set[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


def test_import_medpolicy_loads_neither_clingo_nor_networkx() -> None:
    """``import medpolicy`` loads no solver, no graph library and no engine module."""
    loaded = _loaded_after("import medpolicy")
    assert not _has(loaded, "clingo")
    assert not _has(loaded, "networkx")
    assert not _has(loaded, "medpolicy.solver")
    assert not _has(loaded, "medpolicy.tables")


def test_one_case_decide_imports_no_networkx_and_no_check_engine() -> None:
    """``medpolicy decide`` on one case loads clingo but neither networkx nor check."""
    loaded = _loaded_after(
        "from medpolicy.cli import cli\n"
        f"cli(['decide', 'esi', {SEED!r}], standalone_mode=False)"
    )
    assert _has(loaded, "clingo")
    assert not _has(loaded, "networkx")
    assert not _has(loaded, "medpolicy.solver.check")
    assert not _has(loaded, "medpolicy.solver.diff")


def test_explanation_graph_imports_networkx() -> None:
    """networkx arrives with the explanation graph (the one place that needs it)."""
    assert _has(_loaded_after("import medpolicy.explain.graph"), "networkx")


def test_check_engine_is_imported_by_check_only() -> None:
    """Loading and validating a table does not load the check engine; ``check`` does."""
    assert not _has(_loaded_after("import medpolicy; medpolicy.load_policy('esi')"),
                    "medpolicy.solver.check")
    assert _has(_loaded_after("import medpolicy; medpolicy.check_policy"),
                "medpolicy.solver.check")


def test_pytest_plugin_import_loads_no_engine() -> None:
    """The pytest11 entry point registers its hooks without clingo, networkx or tables."""
    loaded = _loaded_after("import medpolicy.suite.pytest_plugin")
    for heavy in ("clingo", "networkx", "medpolicy.tables", "medpolicy.solver"):
        assert not _has(loaded, heavy), heavy


PUBLIC = [
    "load_policy", "load_case", "case_from_mapping", "Decider", "decide", "check_policy",
    "diff_policies", "explain", "run_suite", "run_batch", "Decision", "Policy", "Case",
    "MedpolicyError", "InputError", "SolverError", "ValidationError", "__version__",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_resolve_from_the_package(name: str) -> None:
    """Every name of DESIGN.md's public API is importable from ``medpolicy``."""
    import medpolicy

    assert getattr(medpolicy, name) is not None
    assert name in medpolicy.__all__


def test_explain_is_callable_even_after_the_explain_package_is_imported() -> None:
    """``medpolicy.explain(decider, case)`` works whichever import came first."""
    code = (
        "import medpolicy.explain.graph\n"
        "from medpolicy import Decider, explain, load_case, load_policy\n"
        "p = load_policy('esi')\n"
        f"print(explain(Decider(p), load_case({SEED!r}, p)).decision.verdict)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "pend"


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError, not ImportError."""
    import medpolicy

    with pytest.raises(AttributeError):
        _ = medpolicy.no_such_name  # type: ignore[attr-defined]


def test_service_stack_is_imported_by_serve_only() -> None:
    """Neither ``import medpolicy``, decide nor the command list loads fastapi or uvicorn."""
    for code in ("import medpolicy",
                 "from medpolicy.cli import cli\n"
                 f"cli(['decide', 'esi', {SEED!r}], standalone_mode=False)",
                 "from medpolicy.cli import cli\n"
                 "cli(['--help'], standalone_mode=False)"):
        loaded = _loaded_after(code)
        for heavy in ("fastapi", "uvicorn", "starlette", "pydantic", "medpolicy.service.app"):
            assert not _has(loaded, heavy), (code, heavy)
    assert _has(_loaded_after("import medpolicy.service.app"), "fastapi")
