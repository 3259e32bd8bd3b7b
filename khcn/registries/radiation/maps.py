"""The survey map, drawn on the server as inline SVG: it works with no internet, no map tiles and
no JavaScript, and prints as it shows.

Size is the design constraint: a survey has ~3,500 points. Each is one `<circle>` with whole-unit
coordinates and no per-point attributes beyond cx and cy — colour comes from the group (one `<g>`
per colour class) and the radius from CSS — so a point costs about 30 bytes. Only flagged points
carry a tooltip and a numbered marker, which the table under the map lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from khcn.registries.radiation import geo
from khcn.registries.radiation.selectors import Flag, PointRow


@dataclass(frozen=True)
class ColourClass:
    css: str
    low: float | None  # inclusive, nSv/h
    high: float | None  # exclusive
    colour: str

    @property
    def label(self) -> str:
        if self.low is None:
            return f"< {self.high:g}"
        if self.high is None:
            return f"≥ {self.low:g}"
        return f"{self.low:g} – {self.high:g}"


# Blue (low) to red (high), ColorBrewer RdYlBu reversed: ordered, readable for colour-blind users,
# and distinct from the black rings of flagged points. Typical Red River delta background is
# 50–200 nSv/h, so the classes are finest there.
COLOUR_CLASSES: tuple[ColourClass, ...] = (
    ColourClass("b0", None, 75, "#313695"),
    ColourClass("b1", 75, 100, "#4575b4"),
    ColourClass("b2", 100, 125, "#74add1"),
    ColourClass("b3", 125, 150, "#fee090"),
    ColourClass("b4", 150, 200, "#fdae61"),
    ColourClass("b5", 200, 300, "#f46d43"),
    ColourClass("b6", 300, None, "#a50026"),
)
NO_VALUE_CSS = "na"


def colour_class(value: float | None) -> str:
    if value is None:
        return NO_VALUE_CSS
    for cls in COLOUR_CLASSES:
        if (cls.low is None or value >= cls.low) and (cls.high is None or value < cls.high):
            return cls.css
    return COLOUR_CLASSES[-1].css


@dataclass(frozen=True)
class SurveyMap:
    svg: SafeString
    counts: dict[str, int]  # points per colour class (and NO_VALUE_CSS)
    flagged: list[Flag]  # in marker order (1, 2, 3...)
    width: int
    height: int


def render(points: Sequence[PointRow], flags: dict[int, Flag], *, title: str = "") -> SurveyMap:
    outline = geo.province_outline()
    projection = geo.Projection.fit(outline)
    groups: dict[str, list[str]] = {cls.css: [] for cls in COLOUR_CLASSES}
    groups[NO_VALUE_CSS] = []
    for point in points:
        x, y = projection.xy(point.longitude, point.latitude)
        value = float(point.value) if point.value is not None else None
        groups[colour_class(value)].append(f'<circle cx="{x}" cy="{y}"/>')

    flagged = sorted(flags.values(), key=lambda f: (-(f.point.value or 0), f.point.code))
    markers = []
    for number, flag in enumerate(flagged, start=1):
        x, y = projection.xy(flag.point.longitude, flag.point.latitude)
        tip = escape(f"{number}. {flag.point.code}: {flag.point.value} nSv/h – {'; '.join(flag.reasons)}")
        markers.append(
            f'<g class="flag" data-code="{escape(flag.point.code)}"><title>{tip}</title>'
            f'<circle cx="{x}" cy="{y}" r="9"/><text x="{x + 11}" y="{y + 4}">{number}</text></g>'
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {projection.width} {projection.height}" '
        f'class="survey-map" role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(title or _("Bản đồ điểm đo phông phóng xạ"))}</title>',
        f'<path class="outline" d="{projection.path(outline.ring)}"/>',
        '<g class="pts">',
    ]
    for css, circles in groups.items():
        if circles:
            parts.append(f'<g class="{css}">{"".join(circles)}</g>')
    parts.append("</g>")
    if markers:
        parts.append(f'<g class="flags">{"".join(markers)}</g>')
    parts.append("</svg>")
    return SurveyMap(
        svg=mark_safe("".join(parts)),  # noqa: S308 - numbers and escaped text only
        counts={css: len(circles) for css, circles in groups.items()},
        flagged=flagged,
        width=projection.width,
        height=projection.height,
    )
