"""Road graphs: GraphML as osmnx writes it, snapping, and shortest-path minutes known by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from optimiser.errors import InputError
from optimiser.geography.roads import (
    edge_minutes,
    graph_minutes,
    read_graph,
    shortest_minutes,
    shortest_minutes_networkx,
    snap,
)

NODES = {1: (53.00, -2.00), 2: (53.00, -1.99), 3: (53.00, -1.98), 4: (53.01, -1.99), 5: (53.05, -1.90)}


def _graphml(tmp_path: Path) -> Path:
    """Five nodes; every attribute a string, as osmnx's save_graphml writes them.

    1 <-> 2: 1 min (travel_time 60 s; a parallel 1 -> 2 of 300 s is slower)
    2 <-> 3: 2 min; 1 <-> 4: 1 609.344 m at "60 mph" = 1 min
    4 -> 3 only (one way): 1 000 m at "['20', '30']" (the lower, 20 km/h) = 3 min
    4 -> 2 only: 800 m, no maxspeed (48 km/h) = 1 min; node 5 has no edge
    """
    g = nx.MultiDiGraph()
    for node, (lat, lon) in NODES.items():
        g.add_node(node, x=str(lon), y=str(lat))
    both = [(1, 2, {"travel_time": "60.0"}), (2, 3, {"travel_time": "120.0"}),
            (1, 4, {"length": "1609.344", "maxspeed": "60 mph"})]  # fmt: skip
    for u, v, data in both:
        g.add_edge(u, v, **data)
        g.add_edge(v, u, **data)
    g.add_edge(1, 2, travel_time="300.0")
    g.add_edge(4, 3, length="1000", maxspeed="['20', '30']")
    g.add_edge(4, 2, length="800")
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    return path


def test_edge_minutes_from_travel_time_or_length_and_maxspeed() -> None:
    assert edge_minutes({"travel_time": "90"}) == pytest.approx(1.5)
    assert edge_minutes({"length": "1609.344", "maxspeed": "60 mph"}) == pytest.approx(1.0)
    assert edge_minutes({"length": "1000", "maxspeed": "['20', '30']"}) == pytest.approx(3.0)
    assert edge_minutes({"length": "800"}) == pytest.approx(1.0)
    assert edge_minutes({"maxspeed": "30"}) is None


def test_shortest_minutes_on_a_graph_known_by_hand(tmp_path: Path) -> None:
    graph = read_graph(_graphml(tmp_path))
    assert graph.nodes == 5
    origins = np.array([0, 2, 3, 4])  # nodes 1, 3, 4, 5
    dests = np.array([2, 0])  # nodes 3 and 1
    expected = np.array(
        [
            [3.0, 0.0],  # 1 -> 3 via 2 (1 + 2; via 4 would be 1 + 3)
            [0.0, 3.0],  # 3 -> 1 via 2 (3 -> 4 is no road)
            [3.0, 1.0],  # 4 -> 3 direct (3) ties 4 -> 2 -> 3 (1 + 2); 4 -> 1 in 1
            [np.inf, np.inf],  # node 5 is reached by no road
        ]
    )
    assert shortest_minutes(graph, origins, dests) == pytest.approx(expected)
    assert shortest_minutes_networkx(graph, origins, dests) == pytest.approx(expected)


def test_graph_minutes_snaps_points_and_leaves_out_pairs_without_a_path(tmp_path: Path) -> None:
    path = _graphml(tmp_path)
    zones = pd.DataFrame({"zone_id": ["Z1", "Z5"], "lat": [53.0005, 53.049], "lon": [-2.0005, -1.901]})
    sites = pd.DataFrame({"site_id": ["S3", "S4"], "lat": [53.0, 53.0101], "lon": [-1.9801, -1.99]})
    graph = read_graph(path)
    node, km = snap(graph, zones["lat"].to_numpy(), zones["lon"].to_numpy())
    assert node.tolist() == [0, 4] and km[0] == pytest.approx(0.067, abs=0.005)
    travel, findings = graph_minutes(path, zones, sites)
    assert travel.to_dict("records") == [
        {"zone_id": "Z1", "site_id": "S3", "minutes": 3.0},
        {"zone_id": "Z1", "site_id": "S4", "minutes": 1.0},
    ]
    assert "5 nodes" in findings[0] and findings[1].startswith("2 zone-site pairs have no path")


def test_unreadable_graph_and_missing_attributes_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><graph>", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as GraphML"):
        read_graph(bad)
    g = nx.DiGraph()
    g.add_node(1, x="0", y="0")
    g.add_node(2, x="1", y="0")
    g.add_edge(1, 2, highway="primary")
    nx.write_graphml(g, tmp_path / "g.graphml")
    with pytest.raises(InputError, match="edge 1 -> 2 has neither travel_time nor length"):
        read_graph(tmp_path / "g.graphml")


def test_import_with_a_road_graph_writes_its_minutes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from optimiser.cli import main

    pop, sites = tmp_path / "pop.csv", tmp_path / "sites.csv"
    pop.write_text(
        "msoa11cd,msoa11nm,lad11_name,lat,lon,population_mid2020\nE1,Town 001,Town,53.0005,-2.0005,8000\n",
        encoding="utf-8",
    )
    sites.write_text(
        "OrganisationCode,OrganisationName,SubType,Sector,ParentODSCode,ParentName,lat,lon\n"
        "RAA01,Town General Hospital,Hospital,NHS Sector,RAA,Town Hospitals NHS Trust,53.0,-1.9801\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["import", "sact", "--population", str(pop), "--sites", str(sites), "--centre", "RAA01",
         "--road-graph", str(_graphml(tmp_path)), str(out)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "travel.csv").to_dict("records") == [
        {"zone_id": "E1", "site_id": "RAA01", "minutes": 3.0}
    ]
    assert "road graph roads.graphml: 5 nodes" in result.output


def test_instance_graph_travel_reads_a_graph_inside_the_folder_only(tmp_path: Path) -> None:
    from optimiser.geography.roads import instance_graph_travel

    folder = tmp_path / "inst"
    folder.mkdir()
    _graphml(folder)
    zones = pd.DataFrame({"zone_id": ["Z1"], "lat": [53.0005], "lon": [-2.0005]})
    sites = pd.DataFrame({"site_id": ["S3"], "lat": [53.0], "lon": [-1.9801]})
    travel, _ = instance_graph_travel(folder, {"graph": "roads.graphml"}, zones, sites)
    assert travel["minutes"].tolist() == [3.0]
    _graphml(tmp_path)  # a graph beside, not inside, the folder
    with pytest.raises(InputError, match="lies outside the instance folder"):
        instance_graph_travel(folder, {"graph": "../roads.graphml"}, zones, sites)
    with pytest.raises(InputError, match="not found") as missing:
        instance_graph_travel(folder, {"graph": "none.graphml"}, zones, sites)
    with pytest.raises(InputError, match="travel must be") as malformed:
        instance_graph_travel(folder, "roads.graphml", zones, sites)
    for error in (missing, malformed):  # the instance named by its folder, not a bare instance.yaml
        assert [p.file for p in error.value.problems] == [str(folder / "instance.yaml")]


def test_an_instance_names_its_road_graph(tiny_instance: Path) -> None:
    """``travel: {graph: roads.graphml}`` in instance.yaml: minutes from the graph for the pairs a
    user's travel.csv leaves out; the user's rows win."""
    from optimiser.kinds import load_instance

    _graphml(tiny_instance)
    zones = tiny_instance / "zones.csv"
    zones.write_text(
        "zone_id,name,population,attendances,quintile,lat,lon\n"
        "Z1,North,1000,600,1,53.0005,-2.0005\nZ2,Middle,1000,300,2,53.0,-1.99\nZ3,South,1000,500,3,53.0,-1.98\n",
        encoding="utf-8",
    )
    sites = tiny_instance / "sites.csv"
    lines = sites.read_text().splitlines()
    lines[0] += ",lat,lon"
    lines[1] += ",53.0,-1.9801"  # A at node 3
    lines[2] += ",53.01,-1.99"  # B at node 4
    sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\nZ1,A,10\n", encoding="utf-8")
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("parameters:", "travel: {graph: roads.graphml}\nparameters:"))
    travel = load_instance(tiny_instance).model_input.input.travel.set_index(["zone_id", "site_id"])[
        "minutes"
    ]
    assert travel[("Z1", "A")] == 10.0  # the user's row wins over the graph's 3 minutes
    assert travel[("Z2", "A")] == pytest.approx(2.0)  # node 2 -> node 3: 2 minutes by road
    assert travel[("Z1", "B")] == pytest.approx(1.0)  # node 1 -> node 4: 1 mile at 60 mph


def test_a_road_graph_outside_the_folder_is_refused(tiny_instance: Path, tmp_path: Path) -> None:
    from optimiser.kinds import load_instance

    _graphml(tmp_path)
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("parameters:", "travel: {graph: ../roads.graphml}\nparameters:"))
    with pytest.raises(InputError, match="needs lat and lon"):
        load_instance(tiny_instance)  # the tiny instance has no coordinates
    zones = tiny_instance / "zones.csv"
    zones.write_text(
        zones.read_text()
        .replace("quintile\n", "quintile,lat,lon\n")
        .replace(",1\n", ",1,53,-2\n")
        .replace(",2\n", ",2,53,-2\n")
        .replace(",3\n", ",3,53,-2\n")
    )
    sites = tiny_instance / "sites.csv"
    rows = sites.read_text().splitlines()
    sites.write_text("\n".join([rows[0] + ",lat,lon"] + [r + ",53,-2" for r in rows[1:]]) + "\n")
    with pytest.raises(InputError, match="outside the instance folder"):
        load_instance(tiny_instance)
