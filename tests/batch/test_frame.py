"""decide_frame: a pandas or Dask DataFrame of cases in, a frame of results out."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client

from medpolicy import Policy, ValidationError
from medpolicy.batch import decide_frame
from medpolicy.batch.columns import RESULT_COLUMNS, result_row
from medpolicy.batch.engine import run_batch
from medpolicy.batch.frame import case_dtypes
from medpolicy.batch.records import open_records
from medpolicy.suite.casegen import CaseGenerator, case_record
from medpolicy.tables.model import Case
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def cases(esi: Policy) -> list[Case]:
    """A few hundred generated esi cases (seeded)."""
    return list(CaseGenerator(esi, seed=23).cases(400))


def _frame(cases: list[Case], policy: Policy) -> pd.DataFrame:
    rows = [{"id": c.id, **{f.name: c.facts.get(f.name) for f in policy.facts}} for c in cases]
    return pd.DataFrame(rows, columns=["id", *(f.name for f in policy.facts)])


def _batch_rows(cases: list[Case], policy: Policy) -> list[dict[str, object]]:
    data = "".join(json.dumps(case_record(c)) + "\n" for c in cases).encode()
    parser, records = open_records(io.BytesIO(data), "jsonl", policy, "in.jsonl")
    return [result_row(r) for r in run_batch(policy, parser, records)]


def _comparable(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [tuple(row[c] for c in RESULT_COLUMNS if c != "line") for row in rows]


def test_a_pandas_frame_decides_as_batch_does(esi: Policy, cases: list[Case]) -> None:
    """Each row's result equals the batch result of the same case; the index is kept."""
    frame = _frame(cases, esi)
    frame.index = pd.RangeIndex(100, 100 + len(frame))
    result = decide_frame(esi, frame)
    assert list(result.columns) == list(RESULT_COLUMNS)
    assert list(result.index) == list(frame.index)
    assert list(result["line"]) == list(range(1, len(cases) + 1))
    assert _comparable(result.to_dict("records")) == _comparable(_batch_rows(cases, esi))


def test_a_dask_frame_decides_as_a_pandas_frame_does(
    esi: Policy, cases: list[Case], dask_client: Client
) -> None:
    """Partitions decided on the cluster give the pandas results, row for row."""
    frame = _frame(cases, esi)
    frame = frame.astype(case_dtypes(esi, frame.columns))
    expected = decide_frame(esi, frame)
    lazy = decide_frame(esi, dd.from_pandas(frame, npartitions=4))
    result = dask_client.compute(lazy).result()
    assert list(result.index) == list(frame.index)
    columns = [c for c in RESULT_COLUMNS if c != "line"]
    assert result[columns].to_dict("records") == expected[columns].to_dict("records")


def test_a_yes_no_column_turned_to_text_by_dask_is_rejected(esi: Policy) -> None:
    """Object columns of booleans become text in Dask; that is reported with the fix."""
    frame = pd.DataFrame({"active_infection": [True, None]})
    with pytest.raises(ValidationError, match=r"holds text.*case_dtypes"):
        decide_frame(esi, dd.from_pandas(frame, npartitions=1))
    typed = frame.astype(case_dtypes(esi, frame.columns))
    lazy = decide_frame(esi, dd.from_pandas(typed, npartitions=1))
    assert lazy.compute(scheduler="sync")["error"].isna().all()


def test_nulls_of_every_kind_are_unknown(esi: Policy) -> None:
    """None, NaN and pd.NA mean unknown; a whole float in a number column is its integer."""
    frame = pd.DataFrame({
        "levels": [1.0, np.nan, 2.0],
        "active_infection": pd.array([False, pd.NA, None], dtype="boolean"),
        "cpt": ["62321", None, np.nan],
    })
    result = decide_frame(esi, frame)
    assert result["error"].isna().all()
    assert list(result["id"]) == ["0", "1", "2"]
    assert list(result["verdict"]) == ["pend", "pend", "pend"]
    filled = decide_frame(esi, pd.DataFrame({"id": ["x"], "levels": [1]}))
    assert filled["missing"][0] != result["missing"][1]


def test_a_bad_row_is_an_error_row_in_place(esi: Policy) -> None:
    """A fractional level is an error for its row only, which keeps its id."""
    frame = pd.DataFrame({"id": ["a", "b", "c"], "levels": [1.0, 2.5, 3.0]})
    result = decide_frame(esi, frame)
    assert list(result["id"]) == ["a", "b", "c"]
    assert result["verdict"].isna().tolist() == [False, True, False]
    assert "<frame>:2" in result["error"][1] and "levels" in result["error"][1]


def test_an_unknown_column_is_a_validation_error(esi: Policy) -> None:
    """A column that is neither a fact nor a case key is rejected before any row is decided."""
    with pytest.raises(ValidationError, match="unknown column 'level'"):
        decide_frame(esi, pd.DataFrame({"level": [1]}))


def test_policy_may_be_a_bundled_name(esi: Policy) -> None:
    """decide_frame('esi', ...) loads the bundled table."""
    result = decide_frame("esi", pd.DataFrame({"levels": [1]}))
    assert result["verdict"][0] == "pend"


def test_importing_medpolicy_batch_loads_neither_pandas_nor_dask_nor_pyarrow() -> None:
    """decide_frame is served lazily; the batch and impact commands load them only when used."""
    script = ("import medpolicy.batch, medpolicy.cli.batch, medpolicy.cli.impact, sys, json; "
              "print(json.dumps(sorted(m for m in sys.modules "
              "if m.split('.')[0] in ('pandas', 'dask', 'distributed', 'pyarrow'))))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert json.loads(out.stdout) == []
