"""The report's quality figures on a hand-built set of records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from khcn.core import metrics
from khcn.core.services import record_archive
from khcn.directory.models import Organisation
from khcn.registries.quality import services
from khcn.registries.quality.models import ConformityAnnouncement, MarketSurvey, QualityTraining
from khcn.registries.quality.tests.conftest import announcement, registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]


@time_machine.travel(dt.datetime(2024, 6, 3, tzinfo=dt.UTC), tick=False)
def test_every_quality_figure_counts_the_records_of_the_year(enterprise, importer, unit, quality_officer):
    day = dt.date(2023, 5, 10)
    announcement(enterprise, "1/HQ", day)
    announcement(enterprise, "2/HQ", dt.date(2023, 12, 29))
    announcement(enterprise, "3/HC", day, kind=ConformityAnnouncement.Kind.STANDARD, standard_code="TCVN 1:2020")
    announcement(enterprise, "4/HQ", dt.date(2022, 12, 30))  # another year
    record_archive(record=announcement(enterprise, "5/HQ", day), by=quality_officer, reason="Nhập trùng")

    for n, who in enumerate([importer, importer, enterprise]):
        registration(who, f"{n}/ĐKNK", dt.date(2023, 3, 1 + n))
    registration(importer, "9/ĐKNK", dt.date(2024, 1, 2))

    other = Organisation.objects.create(name="Cửa hàng điện máy (B)")
    for business, goods in [(enterprise, "Xăng RON 95"), (enterprise, "Xăng E5"), (other, "Dây điện")]:
        services.market_survey_save(
            survey=MarketSurvey(
                survey_date=day, business=business, business_kind="other", goods=goods, sample_count=2, failed_count=0
            ),
            by=None,
        )
    for name, count in [("Lớp 1", 90), ("Lớp 2", 88)]:
        services.training_save(
            training=QualityTraining(name=name, start_date=day, trainee_count=count, administrative_unit=unit), by=None
        )
    services.training_save(
        training=QualityTraining(name="Lớp 2024", start_date=dt.date(2024, 2, 1), trainee_count=50), by=None
    )

    year = metrics.Period.year(2023)
    figures = {m.key: m.compute(year) for m in metrics.all_metrics("quality")}
    assert figures == {
        "quality.announcements_regulation": 2,
        "quality.announcements_standard": 1,
        "quality.import_registrations": 3,
        "quality.import_enterprises": 2,
        "quality.import_non_conforming": 0,
        "quality.training_classes": 2,
        "quality.trainees": 178,
        "quality.surveyed_businesses": 2,
    }
    in_province = {unit.pk, unit.parent_id}
    assert metrics.get("quality.announcements_regulation").compute(year, units=in_province) == 2
    assert metrics.get("quality.import_enterprises").compute(year, units=in_province) == 1
    assert metrics.get("quality.surveyed_businesses").compute(year, units=in_province) == 1
    assert metrics.get("quality.trainees").compute(year, units=in_province) == 178
