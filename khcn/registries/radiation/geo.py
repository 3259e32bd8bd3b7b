"""Where a measurement point is: the province outline, point-in-polygon, and the map projection.

Pure functions over local data (data/province_outline.json), no database and no GIS library: the
province is one polygon of a few dozen vertices, so a ray-casting test per point costs
microseconds, and the map is drawn server-side as SVG without map tiles or JavaScript.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

OUTLINE_FILE = Path(__file__).parent / "data" / "province_outline.json"

LonLat = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    name: str
    ring: tuple[LonLat, ...]  # (lon, lat), closed: first == last
    note: str

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)."""
        lons = [p[0] for p in self.ring]
        lats = [p[1] for p in self.ring]
        return min(lons), min(lats), max(lons), max(lats)

    def contains(self, lat: float | Decimal, lon: float | Decimal) -> bool:
        return point_in_polygon(float(lon), float(lat), self.ring)


@cache
def province_outline() -> Outline:
    """The approximate outline of today's Hưng Yên (read once per process)."""
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    ring = tuple((float(lon), float(lat)) for lon, lat in data["coordinates"][0])
    if ring[0] != ring[-1]:
        ring = (*ring, ring[0])
    return Outline(name=data.get("name", ""), ring=ring, note=data.get("_note", ""))


def point_in_polygon(x: float, y: float, ring: Sequence[LonLat]) -> bool:
    """Ray casting (even-odd rule). A point exactly on an edge may fall either way, which does not
    matter for an outline that is itself approximate to a kilometre or two."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            x_cross = (xj - xi) * (y - yi) / (yj - yi) + xi
            if x < x_cross:
                inside = not inside
        j = i
    return inside


def location_error(lat: float | Decimal | None, lon: float | Decimal | None) -> str | None:
    """Why a coordinate pair cannot be a point in the province, or None if it can.

    Swapped columns are the commonest slip in survey spreadsheets (a latitude of 106 is
    impossible), so the message names the swap when swapping puts the point inside.
    """
    if lat is None or lon is None:
        return _("Thiếu vĩ độ hoặc kinh độ")
    outline = province_outline()
    lat_f, lon_f = float(lat), float(lon)
    if outline.contains(lat_f, lon_f):
        return None
    if outline.contains(lon_f, lat_f):
        return _(
            "Vĩ độ và kinh độ bị đảo: (%(lat)s; %(lon)s) nằm ngoài tỉnh, còn (%(lon)s; %(lat)s) thì nằm trong tỉnh. "
            "Hãy đổi chỗ hai cột Vĩ độ và Kinh độ."
        ) % {"lat": _coord(lat_f), "lon": _coord(lon_f)}
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return _("Tọa độ không hợp lệ: vĩ độ phải từ -90 đến 90, kinh độ từ -180 đến 180 (hệ WGS84, độ thập phân)")
    return _(
        "Điểm (%(lat)s; %(lon)s) nằm ngoài ranh giới tỉnh %(province)s. Hãy kiểm tra tọa độ "
        "(hệ WGS84, độ thập phân; nếu đo theo VN-2000 thì phải chuyển đổi trước)."
    ) % {"lat": _coord(lat_f), "lon": _coord(lon_f), "province": _("Hưng Yên")}


def _coord(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


# --- Projection for the SVG map ------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection scaled by cos(latitude): at 21° N and over 80 km the distortion
    is far below what a dot on a screen shows, and it needs no library."""

    min_lon: float
    max_lat: float
    kx: float  # SVG units per degree of longitude
    ky: float  # SVG units per degree of latitude
    width: int
    height: int
    pad: int

    @classmethod
    def fit(cls, outline: Outline, width: int = 1000, pad: int = 12) -> Projection:
        min_lon, min_lat, max_lon, max_lat = outline.bbox
        mid_lat = math.radians((min_lat + max_lat) / 2)
        ky = (width - 2 * pad) / ((max_lon - min_lon) * math.cos(mid_lat))
        kx = ky * math.cos(mid_lat)
        height = round((max_lat - min_lat) * ky + 2 * pad)
        return cls(min_lon=min_lon, max_lat=max_lat, kx=kx, ky=ky, width=width, height=height, pad=pad)

    def xy(self, lon: float | Decimal, lat: float | Decimal) -> tuple[int, int]:
        # Whole SVG units: at 1,000 units across ~70 km one unit is ~70 m, finer than a dot, and
        # integers keep 3,500 points to a few bytes each.
        x = (float(lon) - self.min_lon) * self.kx + self.pad
        y = (self.max_lat - float(lat)) * self.ky + self.pad
        return round(x), round(y)

    def path(self, ring: Iterable[LonLat]) -> str:
        parts = []
        for i, (lon, lat) in enumerate(ring):
            x, y = self.xy(lon, lat)
            parts.append(f"{'M' if i == 0 else 'L'}{x} {y}")
        return " ".join(parts) + " Z"
