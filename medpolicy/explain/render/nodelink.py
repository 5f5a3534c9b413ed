"""The explanation graph as JSON for programs: networkx node-link data.

``nodes`` carry every attribute the graph has (kind, label, status, value,
outcome, decisive, reason, sources ...), ``edges`` their ``role``, and
``graph`` the determination: verdict, reasons, missing sets, counterfactuals,
cited sources and engine versions.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from medpolicy.tables.decimals import json_default


def render_json(graph: Any) -> str:
    """Node-link JSON of ``graph`` (``nodes``, ``edges``, ``graph``), indented."""
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=2, ensure_ascii=False, default=json_default) + "\n"
