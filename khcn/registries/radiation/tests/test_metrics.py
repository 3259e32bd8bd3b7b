"""The registry's report figures, counted on a hand-built fixture: a period, an area, archived
records left out."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.core.services import record_archive
from khcn.directory.selectors import unit_ids_within
from khcn.registries.radiation import services
from khcn.registries.radiation.models import Training, WorkerCertificate

from .conftest import current_unit, make_facility, make_licence, make_point, make_survey, old_unit

Y2023 = metrics.Period.year(2023)


def figure(key: str, units=None, period=Y2023) -> int:
    return metrics.get(key).compute(period, units)


@pytest.fixture
def registry(radiation_officer, unit_table):
    by = radiation_officer
    pho_hien = current_unit("11953")
    ha_noi_commune = current_unit("00004")  # a commune of Hà Nội: outside the province
    local = make_facility(by, name="Bệnh viện A", administrative_unit=pho_hien)
    outside = make_facility(by, name="Phòng khám B", administrative_unit=ha_noi_commune)
    old = make_licence(by, local, "01/2020/GP-SKHCN", dt.date(2020, 3, 2))
    make_licence(by, local, "01/2023/GP-SKHCN", dt.date(2023, 1, 5))
    services.licence_renew(licence=old, number="02/2023/GP-SKHCN", issue_date=dt.date(2023, 2, 20), by=by)
    make_licence(by, outside, "03/2023/GP-SKHCN", dt.date(2023, 12, 31))
    make_licence(by, local, "01/2024/GP-SKHCN", dt.date(2024, 1, 1))
    archived = make_licence(by, local, "04/2023/GP-SKHCN", dt.date(2023, 6, 1))
    record_archive(record=archived, by=by, reason="Nhập trùng")

    for number, day, facility in (
        ("001", dt.date(2023, 3, 1), local),
        ("002", dt.date(2023, 9, 9), outside),
        ("003", dt.date(2022, 9, 9), local),
    ):
        services.certificate_save(
            certificate=WorkerCertificate(number=number, full_name="Nguyễn Văn An", issue_date=day, facility=facility),
            by=by,
        )
    for day, count, audience in (
        (dt.date(2023, 5, 18), 24, Training.Audience.FACILITIES),
        (dt.date(2023, 9, 21), 18, Training.Audience.FACILITIES),
        (dt.date(2023, 11, 9), 12, Training.Audience.OTHER),
        (dt.date(2023, 8, 10), 15, Training.Audience.STAFF),
        (dt.date(2022, 5, 5), 40, Training.Audience.FACILITIES),
    ):
        services.training_save(
            training=Training(
                date=day, topic="Tập huấn", trainee_count=count, audience=audience, administrative_unit=pho_hien
            ),
            by=by,
        )

    survey = make_survey(by)
    for i in range(3):
        make_point(by, survey, f"P-{i}", "90", unit_named=old_unit("11953"))
    make_point(by, survey, "P-2022", "90", unit_named=old_unit("11953"), measured_on=dt.date(2022, 12, 31))
    return {"province": current_unit("33", level="province")}


def test_licences_issued_in_the_year_whatever_the_procedure(registry):
    # Here a new licence and a renewal, outside the province one new licence; the archived one and
    # those of 2020 and 2024 are not counted.
    assert figure("radiation.licences_issued") == 3
    assert figure("radiation.licences_issued.new") == 2
    assert figure("radiation.licences_issued.renewal") == 1
    assert figure("radiation.licences_issued.amendment") == 0
    assert figure("radiation.licences_issued", period=metrics.Period.year(2024)) == 1


def test_an_area_counts_its_facilities_only(registry):
    province = unit_ids_within(registry["province"])
    assert figure("radiation.licences_issued", province) == 2
    assert figure("radiation.worker_certificates_issued", province) == 1
    assert figure("radiation.worker_certificates_issued") == 2


def test_trainees_are_summed_and_department_staff_reported_apart(registry):
    assert figure("radiation.trainees") == 24 + 18 + 12
    assert figure("radiation.staff_trained") == 15


def test_survey_points_measured_in_the_year_within_today_province(registry):
    assert figure("radiation.survey_points") == 3
    # The points named an old commune; it still counts within today's province.
    assert figure("radiation.survey_points", unit_ids_within(registry["province"])) == 3


def test_every_figure_has_a_vietnamese_label_and_a_radiation_key(registry):
    keys = {m.key for m in metrics.all_metrics("radiation")}
    assert {
        "radiation.licences_issued",
        "radiation.worker_certificates_issued",
        "radiation.trainees",
        "radiation.survey_points",
    } <= keys
    assert all(str(m.label) for m in metrics.all_metrics("radiation"))
