"""Survey statistics by area and the re-measurement flags, on points built by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khcn.registries.radiation import selectors
from khcn.registries.radiation.models import SurveyRule
from khcn.registries.radiation.selectors import PointRow

from .conftest import THAI_BINH, make_point, make_survey, old_unit


def row(
    pk: int, value: float | None, unit: int | None = 1, current: int | None = 10, district: int | None = 100
) -> PointRow:
    return PointRow(
        id=pk,
        code=f"P-{pk}",
        latitude=Decimal("20.65"),
        longitude=Decimal("106.05"),
        value=None if value is None else Decimal(str(value)),
        unit_named_id=unit,
        current_unit_id=current,
        district_then_id=district,
        land_use="paddy",
        place_name="",
        measured_on=dt.date(2023, 5, 1),
    )


def rule(threshold: int = 300, multiple: str = "3.0", min_points: int = 5) -> SurveyRule:
    return SurveyRule(
        valid_from=dt.date(2023, 1, 1),
        threshold_nsv_h=threshold,
        median_multiple=Decimal(multiple),
        min_points_for_median=min_points,
    )


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert selectors.percentile(values, 95) == pytest.approx(19.05)
    assert selectors.percentile(values, 50) == pytest.approx(10.5)
    assert selectors.percentile([7.0], 95) == 7.0


def test_stats_of_a_group():
    stats = selectors.compute_stats([Decimal("80"), Decimal("90"), Decimal("100"), Decimal("130")])
    assert (stats.count, stats.minimum, stats.maximum) == (4, 80.0, 130.0)
    assert stats.mean == pytest.approx(100.0)
    assert stats.median == pytest.approx(95.0)
    assert stats.p95 == pytest.approx(125.5)
    assert selectors.compute_stats([]) is None


def test_a_point_above_the_threshold_is_flagged():
    points = [row(i, 90) for i in range(1, 10)] + [row(10, 320)]
    flags = selectors.flag_points(points, rule())
    assert set(flags) == {10}
    assert flags[10].above_threshold and flags[10].above_local_median
    assert flags[10].local_median == 90.0


def test_a_point_far_above_its_commune_median_is_flagged_below_the_threshold():
    commune_a = [row(i, 70, unit=1) for i in range(1, 8)] + [row(8, 230, unit=1)]  # 230 > 3 × 70
    commune_b = [row(i, 110, unit=2) for i in range(11, 18)] + [row(18, 230, unit=2)]  # 230 < 3 × 110
    flags = selectors.flag_points(commune_a + commune_b, rule())
    assert set(flags) == {8}
    assert not flags[8].above_threshold and flags[8].above_local_median
    assert "gấp 3,3 lần trung vị địa phương (70 nSv/h)" in flags[8].reasons[0]


def test_a_commune_with_few_points_is_compared_with_the_survey_median():
    many = [row(i, 100, unit=1) for i in range(1, 11)]
    few = [row(20, 20, unit=2), row(21, 20, unit=2), row(22, 250, unit=2)]  # 250 < 3 × 100 (survey median)
    assert selectors.flag_points(many + few, rule()) == {}
    assert set(selectors.flag_points(many + few, rule(min_points=3))) == {22}


def test_the_rule_is_configurable_and_absent_rule_flags_nothing():
    points = [row(i, 90) for i in range(1, 10)] + [row(10, 200)]
    assert selectors.flag_points(points, rule()) == {}
    assert set(selectors.flag_points(points, rule(threshold=150))) == {10}
    assert set(selectors.flag_points(points, rule(multiple="2.0"))) == {10}
    assert selectors.flag_points(points, None) == {}


@pytest.mark.django_db
def test_points_without_value_are_neither_flagged_nor_counted():
    points = [row(i, 90) for i in range(1, 6)] + [row(6, None)]
    assert selectors.flag_points(points, rule()) == {}
    assert selectors.area_statistics(points, "current_unit_id")[0].stats.count == 5


@pytest.mark.django_db
def test_statistics_by_current_commune_and_by_old_district(radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    hien_nam, lam_son, hong_nam = old_unit("11953"), old_unit("11950"), old_unit("11977")
    for i, value in enumerate(["80", "90", "100"]):
        make_point(radiation_officer, survey, f"A-{i}", value, unit_named=hien_nam)
    make_point(radiation_officer, survey, "B-1", "120", unit_named=lam_son)
    make_point(radiation_officer, survey, "C-1", "60", unit_named=hong_nam)
    make_point(radiation_officer, survey, "D-1", "70", at=THAI_BINH, unit_named=old_unit("12454"))
    points = selectors.survey_points(survey)

    by_commune = {a.name: a.stats for a in selectors.area_statistics(points, "current_unit_id")}
    assert set(by_commune) == {"Phường Phố Hiến", "Phường Sơn Nam", "Xã Tân Hưng", "Phường Trần Lãm"}
    assert by_commune["Phường Phố Hiến"].count == 3 and by_commune["Phường Phố Hiến"].median == 90.0

    by_district = {a.name: a.stats for a in selectors.area_statistics(points, "district_then_id")}
    assert by_district["Thành phố Hưng Yên (đến 01/07/2025)"].count == 5
    assert by_district["Thành phố Hưng Yên (đến 01/07/2025)"].maximum == 120.0
    assert by_district["Thành phố Thái Bình (đến 01/07/2025)"].count == 1


@pytest.mark.django_db
def test_a_point_whose_commune_is_unknown_today_is_counted_under_the_province(radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    make_point(radiation_officer, survey, "Q-1", "90", unit_named=old_unit("11965"))  # Quang Trung: no successor known
    (area,) = selectors.area_statistics(selectors.survey_points(survey), "current_unit_id")
    assert area.name == "Hưng Yên (chưa rõ xã)"
