"""The report's SVG map: every site label lies inside the map's view box."""

from __future__ import annotations

import re

from optimiser.report.svgmap import LABEL_CHAR_PX, Site, Zone, draw_map


def _labels(svg: str) -> list[tuple[float, str, str]]:
    """(x, text-anchor, text) of every label; SVG's default anchor is ``start``."""
    out = []
    for attributes, text in re.findall(r"<text ([^>]*)>([^<]+)</text>", svg):
        anchor = re.search(r'text-anchor="(\w+)"', attributes)
        x = float(re.search(r'x="([\d.-]+)"', attributes).group(1))  # type: ignore[union-attr]
        out.append((x, anchor.group(1) if anchor else "start", text))
    return out


def test_a_label_at_the_east_edge_is_drawn_to_the_left_of_its_site() -> None:
    zones = [Zone(54.0, -3.0, 100.0, 10.0, 1, "west"), Zone(53.5, -2.2, 100.0, 10.0, 1, "east")]
    sites = [
        Site("RTX02", 54.0, -3.0, "open", 10, "west site"),
        Site("RXR10", 53.6, -2.2, "open", 30, "east site"),  # at the map's east edge
    ]
    svg = draw_map(zones, sites)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
    labels = _labels(svg)
    assert [text for _, _, text in labels] == ["RTX02", "RXR10"]
    for x, anchor, text in labels:
        extent = LABEL_CHAR_PX * len(text)
        left, right = (x, x + extent) if anchor == "start" else (x - extent, x)
        assert left >= 0 and right <= width, (text, left, right, width)
    assert labels[1][1] == "end" and labels[0][1] == "start"


def test_the_travel_legend_keys_the_grey_of_unserved_zones() -> None:
    """A plan leaving demand unserved drew those zones grey with no key for grey in the legend."""
    from optimiser.report import svgmap

    assert svgmap.band_colour(None) == "#bdbdbd"
    assert ("#bdbdbd", "unserved") in svgmap.legend("travel")
