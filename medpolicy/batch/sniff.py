"""Which format an input is in, when its name cannot say (standard input).

A file's format comes from ``--input-format`` or its extension. Standard input
has neither, so its first line decides: a JSON object (``{``) is JSON Lines;
a CSV header whose every cell names a fact or a case column is CSV; anything
else is refused with a message asking for ``--input-format``, so CSV is never
read as JSON Lines (2,000 error records) or the reverse.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import BinaryIO

from medpolicy.batch.records import CASE_COLUMNS, Format
from medpolicy.tables.model import Policy


class PeekedStream:
    """A line-iterable binary stream whose first line was read ahead and is given back."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.first = stream.readline()

    def __iter__(self) -> Iterator[bytes]:
        if self.first:
            yield self.first
        yield from self._stream

    def fileno(self) -> int:
        return self._stream.fileno()


def sniff_format(first_line: bytes, policy: Policy) -> Format | None:
    """The format the first line shows, or None when it shows neither."""
    text = first_line.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace").strip()
    if not text or text.startswith("{"):
        return "jsonl"
    try:
        cells = next(csv.reader([text]))
    except (csv.Error, StopIteration):
        return None
    known = {*policy.fact_map, *CASE_COLUMNS}
    if cells and all(cell.strip() in known for cell in cells):
        return "csv"
    return None
