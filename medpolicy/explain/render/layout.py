"""A layered layout of an explanation graph: facts | criteria | rows | verdict.

Facts take the first column; criteria one column per depth (a criterion that
reads another sits right of it); then the rows, what happens when no row
matches (``otherwise``), and the verdict. An edge that spans columns passes
each column in between through a gap of its own (a waypoint), so it never
runs under a box. Within each column, boxes and waypoints are ordered by a
few barycentre sweeps so edges cross less; edges leave and enter a box at
ports spread over its side. Pure geometry: widths are estimated from the
number of characters, no font is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from medpolicy.explain.render.style import LAYER_TITLES, status_line

#: Estimated advance of one character of a node's name (bold 13px) and status (11px).
NAME_CHAR = 8.4
STATUS_CHAR = 6.6
BOX_PADDING = 24.0
BOX_HEIGHT = 42.0
VERDICT_HEIGHT = 64.0
VERDICT_WIDTH = 150.0
WAYPOINT_HEIGHT = 6.0
ROW_GAP = 12.0
COLUMN_GAP = 80.0
SWEEPS = 6

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A node's rectangle."""

    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Column:
    """A column's header and horizontal extent."""

    title: str
    x: float
    width: float


@dataclass(frozen=True)
class Layout:
    """Boxes, edge routes, columns and the size of the drawing area.

    A route is a list of points from the source's right side to the
    target's left side; its segments alternate between a curve (across the
    gap between two columns) and a straight line (through a column).
    """

    boxes: dict[str, Box]
    routes: dict[tuple[str, str], list[Point]]
    columns: tuple[Column, ...]
    width: float
    height: float


def _criterion_depth(graph: Any) -> dict[str, int]:
    depth: dict[str, int] = {}

    def visit(node: str) -> int:
        if node not in depth:
            inputs = [p for p in graph.predecessors(node) if graph.nodes[p]["kind"] == "criterion"]
            depth[node] = 1 + max((visit(p) for p in inputs), default=-1)
        return depth[node]

    for node, kind in graph.nodes(data="kind"):
        if kind == "criterion":
            visit(node)
    return depth


def _column_keys(graph: Any) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """Each node's column index, and the (group, depth) of every column."""
    depth = _criterion_depth(graph)
    group = {"fact": 0, "criterion": 1, "row": 2, "otherwise": 3, "verdict": 4}
    keys = {node: (group[kind], depth.get(node, 0)) for node, kind in graph.nodes(data="kind")}
    ordered = sorted(set(keys.values()))
    return {node: ordered.index(key) for node, key in keys.items()}, ordered


class _Grid:
    """Columns of node ids and waypoint ids, with the links between them."""

    def __init__(self, graph: Any) -> None:
        self.column_of, self.keys = _column_keys(graph)
        self.columns: list[list[str]] = [[] for _ in self.keys]
        for node in graph.nodes:
            self.columns[self.column_of[node]].append(node)
        self.inputs: dict[str, list[str]] = {n: [] for n in graph.nodes}
        self.outputs: dict[str, list[str]] = {n: [] for n in graph.nodes}
        self.chains: dict[tuple[str, str], list[str]] = {}
        for source, target in graph.edges:
            chain = [source]
            for k in range(self.column_of[source] + 1, self.column_of[target]):
                waypoint = f"\x00{source}\x00{target}\x00{k}"
                self.columns[k].append(waypoint)
                self.inputs[waypoint], self.outputs[waypoint] = [], []
                chain.append(waypoint)
            chain.append(target)
            for a, b in pairwise(chain):
                self.outputs[a].append(b)
                self.inputs[b].append(a)
            self.chains[(source, target)] = chain

    def order(self) -> None:
        for number in range(SWEEPS):
            self._sweep(forward=number % 2 == 1)

    def _sweep(self, forward: bool) -> None:
        tallest = max(len(c) for c in self.columns)

        def position(index: int, size: int) -> float:
            return (tallest - size) / 2 + index

        where = {n: position(i, len(c)) for c in self.columns for i, n in enumerate(c)}
        order = range(1, len(self.columns)) if forward else range(len(self.columns) - 2, -1, -1)
        for k in order:
            column = self.columns[k]
            links = self.inputs if forward else self.outputs
            keys = {}
            for node in column:
                near = [where[o] for o in links[node]]
                keys[node] = sum(near) / len(near) if near else where[node]
            column.sort(key=lambda n: keys[n])
            for i, node in enumerate(column):
                where[node] = position(i, len(column))


def layers(graph: Any) -> list[list[str]]:
    """The columns of the layout, left to right, each in drawing order (top to bottom)."""
    grid = _Grid(graph)
    grid.order()
    return [[n for n in column if n in graph] for column in grid.columns]


def layer_titles(graph: Any) -> list[str]:
    """A header per column (criteria columns after the first are numbered)."""
    _, keys = _column_keys(graph)
    return [LAYER_TITLES[g] if d == 0 else f"{LAYER_TITLES[g]} ({d + 1})" for g, d in keys]


def _box_width(attrs: dict[str, Any]) -> float:
    if attrs["kind"] == "verdict":
        return VERDICT_WIDTH
    name = len(str(attrs["label"])) * NAME_CHAR
    status = len(status_line(attrs)) * STATUS_CHAR
    return max(name, status) + BOX_PADDING


def _height(graph: Any, node: str) -> float:
    if node not in graph:
        return WAYPOINT_HEIGHT
    return VERDICT_HEIGHT if graph.nodes[node]["kind"] == "verdict" else BOX_HEIGHT


def layout(graph: Any, left: float = 0.0, top: float = 0.0) -> Layout:
    """Boxes and routes for ``graph``, columns from ``left``, boxes from ``top``."""
    grid = _Grid(graph)
    grid.order()
    heights = [sum(_height(graph, n) for n in c) + ROW_GAP * (len(c) - 1) for c in grid.columns]
    tallest = max(heights, default=0.0)
    cells: dict[str, Box] = {}
    headers = []
    x = left
    for column, (group, depth), height in zip(grid.columns, grid.keys, heights, strict=True):
        real = [n for n in column if n in graph]
        width = max(_box_width(graph.nodes[n]) for n in real)
        y = top + (tallest - height) / 2
        for node in column:
            cells[node] = Box(x, y, width, _height(graph, node))
            y += cells[node].height + ROW_GAP
        title = LAYER_TITLES[group] if depth == 0 else f"{LAYER_TITLES[group]} ({depth + 1})"
        headers.append(Column(title, x, width))
        x += width + COLUMN_GAP
    boxes = {n: cells[n] for n in graph.nodes}
    routes = _routes(grid, cells, boxes)
    return Layout(boxes, routes, tuple(headers), max(x - COLUMN_GAP, left), top + tallest)


def _ports(ends: list[tuple[float, tuple[str, str]]], box: Box) -> dict[tuple[str, str], float]:
    """Spread the edges at one side of a box over its height, in the order of ``ends``."""
    ends.sort()
    step = box.height / (len(ends) + 1)
    return {edge: box.y + step * (i + 1) for i, (_, edge) in enumerate(ends)}


def _routes(
    grid: _Grid, cells: dict[str, Box], boxes: dict[str, Box]
) -> dict[tuple[str, str], list[Point]]:
    leaving: dict[str, list[tuple[float, tuple[str, str]]]] = {n: [] for n in boxes}
    arriving: dict[str, list[tuple[float, tuple[str, str]]]] = {n: [] for n in boxes}
    for edge, chain in grid.chains.items():
        leaving[edge[0]].append((cells[chain[1]].middle, edge))
        arriving[edge[1]].append((cells[chain[-2]].middle, edge))
    out_port: dict[tuple[str, str], float] = {}
    in_port: dict[tuple[str, str], float] = {}
    for node, box in boxes.items():
        out_port.update(_ports(leaving[node], box))
        in_port.update(_ports(arriving[node], box))
    routes = {}
    for edge, chain in grid.chains.items():
        source, target = boxes[edge[0]], boxes[edge[1]]
        points = [(source.x + source.width, out_port[edge])]
        for waypoint in chain[1:-1]:
            cell = cells[waypoint]
            points += [(cell.x, cell.middle), (cell.x + cell.width, cell.middle)]
        points.append((target.x, in_port[edge]))
        routes[edge] = points
    return routes
