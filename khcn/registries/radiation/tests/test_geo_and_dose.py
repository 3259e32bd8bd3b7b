"""Where a point may be (the province outline) and what its reading is in nSv/h."""

from __future__ import annotations

from decimal import Decimal

import pytest

from khcn.registries.radiation import dose, geo

from .conftest import HA_NOI, HAI_PHONG, PHO_HIEN, THAI_BINH


def test_the_outline_holds_old_hung_yen_and_old_thai_binh():
    outline = geo.province_outline()
    assert outline.ring[0] == outline.ring[-1]
    assert outline.contains(*PHO_HIEN)
    assert outline.contains(*THAI_BINH)
    assert outline.contains(Decimal("20.93"), Decimal("106.07"))  # Phố Nối, Mỹ Hào
    assert "GẦN ĐÚNG" in outline.note


@pytest.mark.parametrize(
    "lat, lon",
    [HA_NOI, HAI_PHONG, (20.4200, 106.1700), (21.0, 106.3), (10.77, 106.70)],
    ids=["Hà Nội", "Hải Phòng", "Nam Định", "Hải Dương", "TP Hồ Chí Minh"],
)
def test_points_in_neighbouring_provinces_are_outside(lat, lon):
    assert not geo.province_outline().contains(lat, lon)
    assert "nằm ngoài ranh giới tỉnh Hưng Yên" in geo.location_error(lat, lon)


def test_point_in_polygon_on_a_square():
    square = ((0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0))
    assert geo.point_in_polygon(1.0, 1.0, square)
    assert not geo.point_in_polygon(3.0, 1.0, square)
    assert not geo.point_in_polygon(-0.1, 1.9, square)


def test_swapped_latitude_and_longitude_are_named():
    lat, lon = PHO_HIEN
    message = geo.location_error(lon, lat)
    assert "Vĩ độ và kinh độ bị đảo" in message
    assert geo.location_error(lat, lon) is None


def test_impossible_coordinates_are_explained():
    assert "vĩ độ phải từ -90 đến 90" in geo.location_error(Decimal("120"), Decimal("200"))


def test_projection_keeps_the_province_in_the_box():
    outline = geo.province_outline()
    projection = geo.Projection.fit(outline)
    for lon, lat in outline.ring:
        x, y = projection.xy(lon, lat)
        assert 0 <= x <= projection.width and 0 <= y <= projection.height
    # North is up: Văn Lâm (north) has a smaller y than Thái Bình (south).
    assert projection.xy(106.02, 20.98)[1] < projection.xy(106.34, 20.45)[1]


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        ("0.095", "µSv/h", "95.0"),
        ("95", "nSv/h", "95.0"),
        ("0.1", "µGy/h", "100.0"),
        ("80", "nGy/h", "80.0"),
        ("10", "µR/h", "87.7"),
        ("0.0954", "µSv/h", "95.4"),
    ],
)
def test_conversion_to_nsv_per_hour(value, unit, expected):
    assert dose.to_nsv_h(Decimal(value), unit) == Decimal(expected)


@pytest.mark.parametrize("typed", ["uSv/h", "μSv/h", "µSv/h", "µSv/giờ", "usv/hr", " uSv / h ", "microSv/h"])
def test_micro_sign_is_read_however_it_was_typed(typed):
    assert dose.parse_unit(typed) == "µSv/h"


@pytest.mark.parametrize("typed", ["mSv/h", "mSv/năm", "cpm", "", "Sv"])
def test_unknown_units_are_not_guessed(typed):
    assert dose.parse_unit(typed) is None
