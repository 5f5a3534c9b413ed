"""Cycles among named things (criteria referring to criteria), found without recursion.

Depth comes from user input (a chain of thousands of criteria), so both walks
keep their own stacks instead of Python's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

Graph = Mapping[str, Sequence[str]]


def strongly_connected(graph: Graph) -> Iterator[set[str]]:
    """The strongly connected components of ``graph`` (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            while edge < len(successors):
                nxt = successors[edge]
                edge += 1
                if nxt not in index:
                    work.append((node, edge))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    yield component
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])


def find_cycle(graph: Graph, within: Collection[str], start: str) -> list[str]:
    """The first cycle a depth-first walk from ``start`` meets inside ``within``, as nodes.

    ``start`` must lie on a cycle inside ``within`` (a strongly connected
    component with more than one node, or a node with an edge to itself).
    """
    path: list[str] = [start]
    on_path = {start: 0}
    done: set[str] = set()
    edges: list[int] = [0]
    while path:
        node = path[-1]
        successors = [s for s in graph[node] if s in within]
        if edges[-1] < len(successors):
            nxt = successors[edges[-1]]
            edges[-1] += 1
            if nxt in on_path:
                return path[on_path[nxt] :]
            if nxt not in done:
                on_path[nxt] = len(path)
                path.append(nxt)
                edges.append(0)
            continue
        done.add(node)
        del on_path[node]
        path.pop()
        edges.pop()
    raise ValueError(f"no cycle through {start!r}")
