"""Travel minutes on a road graph: read GraphML as osmnx writes it, snap, and search shortest paths.

Graph (GraphML, as ``osmnx.save_graphml`` writes it): nodes carry ``x`` (longitude) and ``y``
(latitude) in degrees; edges carry ``travel_time`` in seconds, or else ``length`` in metres and
``maxspeed`` (``"30 mph"``, ``"50"`` km/h, or a list of such, the lowest taken; absent:
:data:`DEFAULT_SPEED_KMH`). A directed graph is searched as directed (one-way streets hold); an
undirected one in both directions; parallel edges keep the quickest.

Minutes from zone z to site s:

    minutes(z, s) = shortest path minutes from node(z) to node(s)

where node(p) is the graph node nearest to point p (straight line after an equirectangular
projection at the points' mean latitude, scipy ``cKDTree``). The walk or drive from a point to
its node is not added; :func:`graph_minutes` reports the longest snap so a planner can judge it.

Search: one Dijkstra per site on the reversed graph (scipy ``sparse.csgraph.dijkstra``, compiled;
``benchmarks/travel_graph.py`` measured it against networkx's ``single_source_dijkstra_path_length``
and recorded both in ``benchmarks/results/travel_graph.md``). Pairs with no path get NaN, so
the loader estimates them from coordinates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from optimiser.errors import InputError, Problem
from optimiser.importers.tables import ImportedInstance
from optimiser.instance_files import RawInstance

DEFAULT_SPEED_KMH = 48.0
"""Speed of an edge with a length and no usable ``maxspeed`` (km/h; 30 mph)."""
MPH_KMH = 1.609344
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(mph)?", re.IGNORECASE)


@dataclass(frozen=True)
class RoadGraph:
    """A road graph ready for search: node coordinates and edge minutes as a sparse matrix."""

    lat: np.ndarray
    lon: np.ndarray
    minutes: csr_matrix  # minutes[u, v]: quickest edge u -> v

    @property
    def nodes(self) -> int:
        return len(self.lat)


def read_graph(path: str | Path) -> RoadGraph:
    """The graph of a GraphML file (module rules).

    Raises
    ------
    InputError
        Unreadable file, a node without ``x``/``y``, or an edge with neither ``travel_time`` nor ``length``.
    """
    shown = str(path)
    try:
        graph = nx.read_graphml(path)
    except (OSError, nx.NetworkXError, ValueError, ET.ParseError) as exc:
        raise InputError([Problem(shown, f"cannot be read as GraphML: {exc}")]) from exc
    return from_networkx(graph, shown)


def from_networkx(graph: nx.Graph, shown: str = "graph") -> RoadGraph:
    """A :class:`RoadGraph` from a networkx graph with osmnx attributes."""
    index = {node: i for i, node in enumerate(graph.nodes)}
    try:
        lon = np.array([float(d["x"]) for _, d in graph.nodes(data=True)])
        lat = np.array([float(d["y"]) for _, d in graph.nodes(data=True)])
    except (KeyError, ValueError) as exc:
        raise InputError([Problem(shown, f"every node needs numeric x and y (degrees): {exc}")]) from exc
    rows, cols, mins = [], [], []
    for u, v, data in graph.edges(data=True):
        minutes = edge_minutes(data)
        if minutes is None:
            raise InputError([Problem(shown, f"edge {u} -> {v} has neither travel_time nor length")])
        rows.append(index[u])
        cols.append(index[v])
        mins.append(minutes)
        if not graph.is_directed():
            rows.append(index[v])
            cols.append(index[u])
            mins.append(minutes)
    n = len(index)
    order = np.lexsort((np.array(mins), np.array(cols), np.array(rows))) if rows else np.array([], int)
    r, c, m = np.array(rows)[order], np.array(cols)[order], np.array(mins)[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])  # parallel edges: the quickest (sorted first)
    # a zero-minute edge would vanish from a sparse matrix: keep it at a negligible positive time
    matrix = csr_matrix((np.maximum(m[first], 1e-9), (r[first], c[first])), shape=(n, n))
    return RoadGraph(lat=lat, lon=lon, minutes=matrix)


def edge_minutes(data: dict) -> float | None:
    """Minutes to drive an edge from its osmnx attributes; None without time or length."""
    if data.get("travel_time") not in (None, ""):
        return float(data["travel_time"]) / 60.0
    if data.get("length") in (None, ""):
        return None
    speeds = [
        float(value) * (MPH_KMH if mph else 1.0)
        for value, mph in _NUMBER.findall(str(data.get("maxspeed", "")))
    ]
    speed = min(speeds) if speeds and min(speeds) > 0 else DEFAULT_SPEED_KMH
    return float(data["length"]) / 1000.0 / speed * 60.0


def snap(graph: RoadGraph, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node of every point and its straight-line distance (km, equirectangular)."""
    scale = np.cos(np.radians(np.mean(lat) if len(lat) else 0.0))
    tree = cKDTree(np.column_stack([graph.lon * scale, graph.lat]))
    dist, node = tree.query(np.column_stack([np.asarray(lon) * scale, np.asarray(lat)]))
    return node, dist * 111.195  # km per degree of latitude


def shortest_minutes(graph: RoadGraph, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
    """Minutes from every origin node (rows) to every destination node (columns); inf: no path.

    One Dijkstra per distinct destination on the reversed graph (scipy, compiled).
    """
    unique, back = np.unique(destinations, return_inverse=True)
    to_dest = dijkstra(graph.minutes.T.tocsr(), directed=True, indices=unique)  # dest x every node
    return to_dest[back][:, origins].T


def shortest_minutes_networkx(graph: RoadGraph, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
    """As :func:`shortest_minutes` with networkx's Dijkstra (kept for the benchmark)."""
    reverse = nx.from_scipy_sparse_array(graph.minutes.T, create_using=nx.DiGraph, edge_attribute="minutes")
    out = np.full((len(origins), len(destinations)), np.inf)
    for j, dest in enumerate(destinations):
        lengths = nx.single_source_dijkstra_path_length(reverse, int(dest), weight="minutes")
        out[:, j] = [lengths.get(int(o), np.inf) for o in origins]
    return out


def graph_minutes(
    path: str | Path, zones: pd.DataFrame, sites: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The ``travel`` table (zone_id, site_id, minutes) on the road graph at ``path``, and findings.

    ``zones`` and ``sites`` need ``zone_id`` / ``site_id``, ``lat`` and ``lon``. Pairs without a
    path are left out (the loader estimates them from coordinates).
    """
    graph = read_graph(path)
    znode, zkm = snap(graph, zones["lat"].to_numpy(float), zones["lon"].to_numpy(float))
    snode, skm = snap(graph, sites["lat"].to_numpy(float), sites["lon"].to_numpy(float))
    minutes = shortest_minutes(graph, znode, snode)
    table = pd.DataFrame(
        {
            "zone_id": np.repeat(zones["zone_id"].to_numpy(), len(sites)),
            "site_id": np.tile(sites["site_id"].to_numpy(), len(zones)),
            "minutes": np.round(minutes.ravel(), 2),
        }
    )
    unreachable = ~np.isfinite(table["minutes"])
    findings = [
        f"road graph {Path(path).name}: {graph.nodes:,} nodes; zones snapped within {zkm.max():.2f} km, "
        f"sites within {skm.max():.2f} km of a node"
    ]
    if unreachable.any():
        findings.append(f"{int(unreachable.sum())} zone-site pairs have no path on the graph: estimated")
    return table[~unreachable].reset_index(drop=True), findings


def with_graph_travel(inst: ImportedInstance, path: str | Path) -> ImportedInstance:
    """The instance with every zone-site minute from the road graph (replacing its travel table)."""
    travel, findings = graph_minutes(path, inst.tables["zones"], inst.tables["sites"])
    return replace(inst, tables={**inst.tables, "travel": travel}, findings=(*inst.findings, *findings))


def raw_with_graph_travel(raw: RawInstance) -> RawInstance:
    """``raw`` (a :class:`~optimiser.instance_files.RawInstance` whose ``instance.yaml`` says
    ``travel: {graph: FILE}``) with its ``travel`` table completed from the road graph: every
    zone-site pair the graph connects, a user's own ``travel`` rows winning. Zones or sites whose
    coordinates are not numbers are left to validation, which names them."""
    import dataclasses

    if raw.kind not in ("sact", "rollout"):
        where = str(Path(raw.path) / "instance.yaml")
        raise InputError(
            [Problem(where, "travel: {graph: FILE} applies to sact and rollout instances", column="travel")]
        )
    points = {}
    for table, key in (("zones", "zone_id"), ("sites", "site_id")):
        frame = raw.tables.get(table, pd.DataFrame())
        if not {key, "lat", "lon"} <= set(frame.columns):
            shown = raw.files.get(table, f"{raw.path}/{table}.csv")
            message = "travel: {graph: FILE} needs lat and lon of every zone and site"
            raise InputError([Problem(shown, message, column="lat")])
        typed = pd.DataFrame(
            {
                key: frame[key].astype(str).str.strip(),
                "lat": pd.to_numeric(frame["lat"], errors="coerce"),
                "lon": pd.to_numeric(frame["lon"], errors="coerce"),
            }
        )
        points[table] = typed.dropna()
    travel, _ = instance_graph_travel(raw.path, raw.travel, points["zones"], points["sites"])
    travel = travel[np.isfinite(travel["minutes"])]
    user = raw.tables.get("travel")
    if user is not None and {"zone_id", "site_id"} <= set(user.columns):
        given = set(
            zip(user["zone_id"].astype(str).str.strip(), user["site_id"].astype(str).str.strip(), strict=True)
        )
        travel = travel[
            [pair not in given for pair in zip(travel["zone_id"], travel["site_id"], strict=True)]
        ]
        merged = pd.concat([user, travel.astype(str)], ignore_index=True)
    else:
        merged = travel.astype(str)
    files = dict(raw.files)
    files.setdefault("travel", f"{raw.path}/{raw.travel['graph']}")
    return dataclasses.replace(raw, tables={**raw.tables, "travel": merged}, files=files)


def instance_graph_travel(
    folder: str | Path, spec: object, zones: pd.DataFrame, sites: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The ``travel`` table of an instance whose ``instance.yaml`` says ``travel: {graph: FILE}``.

    ``FILE`` is a GraphML file inside the instance folder (a path leading outside is refused).
    User ``travel`` rows, where given, should still win: merge them over this table.

    Raises
    ------
    InputError
        ``spec`` is not ``{graph: FILE}``, the file is outside the folder or absent, or unreadable.
    """
    where = str(Path(folder) / "instance.yaml")  # which instance's, for a user with several
    if not isinstance(spec, dict) or set(spec) != {"graph"} or not isinstance(spec["graph"], str):
        raise InputError(
            [Problem(where, "travel must be {graph: FILE} (a GraphML file in the folder)", column="travel")]
        )
    root = Path(folder).resolve()
    path = (root / spec["graph"]).resolve()
    if not path.is_relative_to(root):
        raise InputError(
            [
                Problem(
                    where, f"travel graph '{spec['graph']}' lies outside the instance folder", column="travel"
                )
            ]
        )
    if not path.is_file():
        raise InputError([Problem(where, f"travel graph '{spec['graph']}' not found", column="travel")])
    return graph_minutes(path, zones, sites)
