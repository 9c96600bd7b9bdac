"""A map as inline SVG: zones coloured by travel time, sites by state, aseptic supply links.

No tiles, no scripts: the map is drawn from coordinates alone, so the report opens offline and
prints.  Coordinates are projected equirectangularly about the map's mean latitude (distances
true to within a few per cent across an ICB).  Every mark carries a ``<title>``, shown on hover.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

BANDS: tuple[tuple[float, str, str], ...] = (
    (15.0, "#1a9850", "under 15 min"),
    (30.0, "#91cf60", "15-30 min"),
    (45.0, "#fee08b", "30-45 min"),
    (60.0, "#fc8d59", "45-60 min"),
    (math.inf, "#d73027", "60 min or more"),
)
"""Travel-time bands: upper limit (minutes), colour, legend label."""

UNSERVED_COLOUR = "#bdbdbd"
"""A zone none of whose attendances is served (``allow_unserved``), or with no travel of its own."""

QUINTILE_COLOURS = ("#bdbdbd", "#d73027", "#fc8d59", "#fee08b", "#91bfdb", "#4575b4")
"""Deprivation quintile 0 (unknown), 1 (most deprived) .. 5."""

SITE_STYLE = {
    "open": ("#005EB8", "#003087", "open"),
    "opened": ("#009639", "#006747", "new"),
    "resized": ("#005EB8", "#003087", "open"),
    "unchanged": ("#005EB8", "#003087", "open"),
    "closed": ("#ffffff", "#DA291C", "closed"),
    "not open": ("#ffffff", "#768692", "not used"),
}


LABEL_FONT_PX = 11
"""Font size of the site labels."""
LABEL_CHAR_PX = 7.0
"""Width allowed a label's character at LABEL_FONT_PX (above the ~6.5 px of upper-case letters and
digits in a sans-serif font), so that a label placed by :func:`label_position` is never clipped."""


@dataclass(frozen=True)
class Zone:
    lat: float
    lon: float
    weight: float
    minutes: float | None
    quintile: int
    label: str


@dataclass(frozen=True)
class Site:
    site_id: str
    lat: float
    lon: float
    state: str
    chairs: int
    label: str


def band_colour(minutes: float | None) -> str:
    if minutes is None or math.isnan(minutes):
        return UNSERVED_COLOUR
    return next(colour for limit, colour, _ in BANDS if minutes < limit)


class Projection:
    """Lat/lon to SVG pixels, fitting every point into ``width`` x ``height`` with a margin."""

    def __init__(
        self, points: Sequence[tuple[float, float]], width: int, height: int, margin: int = 24
    ) -> None:
        lats = [p[0] for p in points] or [0.0]
        lons = [p[1] for p in points] or [0.0]
        self.k = math.cos(math.radians(sum(lats) / len(lats)))
        x0, x1 = min(lons) * self.k, max(lons) * self.k
        y0, y1 = min(lats), max(lats)
        span = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
        self.scale = min((width - 2 * margin) / span[0], (height - 2 * margin) / span[1])
        self.x0, self.y1, self.margin = x0, y1, margin
        self.width = int(span[0] * self.scale + 2 * margin)
        self.height = int(span[1] * self.scale + 2 * margin)

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (
            round(self.margin + (lon * self.k - self.x0) * self.scale, 1),
            round(self.margin + (self.y1 - lat) * self.scale, 1),
        )


def label_position(x: float, y: float, size: float, text: str, width: float) -> tuple[float, float, str]:
    """Where a site's label goes: right of its mark, or left of it when it would pass the map's edge.

    Returns (x, y, text-anchor).  The SVG clips what lies outside its view box, so a label to the
    right of a site near the east edge lost its last characters ("RXR1" for RXR10).
    """
    right = x + size + 3
    if right + LABEL_CHAR_PX * len(text) <= width:
        return right, y + 4, "start"
    return x - size - 3, y + 4, "end"


def draw_map(
    zones: Sequence[Zone],
    sites: Sequence[Site],
    links: Sequence[tuple[str, str, str]] = (),
    *,
    colour_by: str = "travel",
    width: int = 760,
    height: int = 620,
) -> str:
    """The SVG text; ``links`` are (from site_id, to site_id, label); ``colour_by`` travel|deprivation."""
    proj = Projection([(z.lat, z.lon) for z in zones] + [(s.lat, s.lon) for s in sites], width, height)
    where = {s.site_id: proj(s.lat, s.lon) for s in sites}
    top = max((z.weight for z in zones), default=1.0) or 1.0
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
        f'viewBox="0 0 {proj.width} {proj.height}" width="{proj.width}" height="{proj.height}" '
        'aria-label="map of zones and sites">',
        f'<rect width="{proj.width}" height="{proj.height}" fill="#f4f7fb"/>',
        '<g class="zones">',
    ]
    for z in sorted(zones, key=lambda z: -z.weight):
        x, y = proj(z.lat, z.lon)
        r = 2.0 + 7.0 * math.sqrt(max(z.weight, 0.0) / top)
        fill = (
            band_colour(z.minutes) if colour_by == "travel" else QUINTILE_COLOURS[max(0, min(5, z.quintile))]
        )
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{fill}" fill-opacity="0.8" stroke="#425563" '
            f'stroke-width="0.3"><title>{html.escape(z.label)}</title></circle>'
        )
    parts.append('</g><g class="links">')
    for a, b, label in links:
        if a in where and b in where and a != b:
            (x1, y1), (x2, y2) = where[a], where[b]
            parts.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#7C2855" stroke-width="1.6" '
                f'stroke-dasharray="5 3"><title>{html.escape(label)}</title></line>'
            )
    parts.append('</g><g class="sites">')
    for s in sorted(sites, key=lambda s: s.state != "closed"):
        x, y = where[s.site_id]
        fill, stroke, _ = SITE_STYLE.get(s.state, SITE_STYLE["open"])
        size = 5.0 + 1.2 * math.sqrt(max(s.chairs, 0))
        parts.append(
            f'<rect class="site site-{html.escape(s.state)}" x="{x - size:.1f}" y="{y - size:.1f}" '
            f'width="{2 * size:.1f}" height="{2 * size:.1f}" fill="{fill}" stroke="{stroke}" '
            'stroke-width="2" '
            f'transform="rotate(45 {x} {y})"><title>{html.escape(s.label)}</title></rect>'
        )
        if s.state != "not open":
            tx, ty, anchor = label_position(x, y, size, s.site_id, proj.width)
            parts.append(
                f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{LABEL_FONT_PX}" text-anchor="{anchor}" '
                f'fill="#231f20">{html.escape(s.site_id)}</text>'
            )
    parts.append("</g></svg>")
    return "".join(parts)


def legend(colour_by: str = "travel") -> list[tuple[str, str]]:
    """(colour, label) pairs for the zone colours."""
    if colour_by == "travel":  # grey zones were drawn with no key: a plan leaving demand unserved
        return [(colour, label) for _, colour, label in BANDS] + [(UNSERVED_COLOUR, "unserved")]
    labels = ["unknown", "1 (most deprived)", "2", "3", "4", "5 (least deprived)"]
    return list(zip(QUINTILE_COLOURS, labels, strict=True))
