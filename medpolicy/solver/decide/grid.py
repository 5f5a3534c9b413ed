"""The outcome of every completion of a case, over value classes, as one flat grid.

The unknown facts are the grid's dimensions, the first the most significant
(mixed radix): the completions under a partial assignment of the first facts
form one contiguous run, so a settled subtree is filled, and a repeated one
copied, with one slice assignment. Cells are bytes (an outcome's index), so
slicing and comparing runs happen in C.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Completions (over value classes) of one case above which no grid is built.
GRID_LIMIT = 1_000_000


def grid_facts(classes: Mapping[int, Sequence[object]]) -> list[int]:
    """The unknown facts with more than one class, most classes first (then by number):
    the grid's dimensions and the walks' order, so a procedure code is set first and
    the table's row index narrows the rows at once."""
    return sorted((f for f, c in classes.items() if len(c) > 1),
                  key=lambda f: (-len(classes[f]), f))


def grid_size(facts: Sequence[int], classes: Mapping[int, Sequence[object]]) -> int:
    size = 1
    for f in facts:
        size *= len(classes[f])
    return size


class OutcomeGrid:
    """One byte per completion: the outcome's index; ``facts[0]`` most significant."""

    def __init__(self, facts: Sequence[int], counts: Sequence[int]) -> None:
        self.facts = list(facts)
        self.counts = list(counts)
        strides = [1] * len(counts)
        for i in range(len(counts) - 2, -1, -1):
            strides[i] = strides[i + 1] * counts[i + 1]
        self.strides = strides
        self.size = strides[0] * counts[0] if counts else 1
        self.cells = bytearray(self.size)

    def span(self, depth: int) -> int:
        """Completions under a node at ``depth`` (its first ``depth`` facts set)."""
        return self.size if depth == 0 else self.strides[depth - 1]

    def slice(self, i: int, c: int, cells: bytes | bytearray) -> bytes:
        """The cells with dimension ``i`` at class ``c``, in grid order."""
        stride, block = self.strides[i], self.strides[i] * self.counts[i]
        first = c * stride
        if stride == 1:
            return bytes(cells[first::block])
        return b"".join(cells[base:base + stride]
                        for base in range(first, self.size, block))

    def groups(self, i: int, cells: bytes | bytearray) -> list[list[int]]:
        """Dimension ``i``'s classes grouped by equal slices of ``cells``, in class order."""
        found: dict[bytes, list[int]] = {}
        for c in range(self.counts[i]):
            found.setdefault(self.slice(i, c, cells), []).append(c)
        return list(found.values())

    def index(self, classes: Sequence[int], dims: Sequence[int]) -> int:
        """The cell of the completion with dimension ``dims[k]`` at class ``classes[k]``
        (class 0 on every other dimension)."""
        return sum(c * self.strides[i] for i, c in zip(dims, classes, strict=True))
