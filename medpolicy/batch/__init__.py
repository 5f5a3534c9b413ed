"""Streaming batch: records in, one result per record out, in order; -o written atomically.

``decide_frame`` (pandas or Dask DataFrames; the ``dask`` extra) is loaded on
first use, so importing this package imports neither pandas nor Dask.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"decide_frame": "medpolicy.batch.frame"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
