"""The IP figures on a hand-built set of records."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.directory.models import AdministrativeUnit, Organisation, Person
from khcn.registries.ip import services
from khcn.registries.ip.models import Mark, UseRightCertificate

pytestmark = pytest.mark.django_db
Y2023 = metrics.Period.year(2023)


def value(key, period=Y2023, units=None):
    return metrics.get(key).compute(period, units)


@pytest.fixture
def records(technology_officer, cooperative, household, certify):
    commune = AdministrativeUnit.objects.create(code="99001", name="Xã Thử", level="commune")
    cooperative.administrative_unit = commune
    cooperative.save()
    other = Organisation.objects.create(name="Công ty khác")

    def case(year, amount, marks, **applicant):
        return services.support_case_open(
            by=technology_officer,
            year=year,
            support_amount=amount,
            marks=[Mark(name=m, status=Mark.Status.PREPARING) for m in marks],
            **applicant,
        )

    case(2023, 10, ["a", "b"], applicant_organisation=cooperative)
    case(2023, 20, ["c"], applicant_organisation=cooperative)  # a second case for the same organisation
    case(2023, 30, ["d", "e", "f"], applicant_organisation=other)
    case(2023, 40, ["g"], applicant_person=household)
    case(2022, 50, ["h"], applicant_organisation=other)
    gone = case(2023, 60, ["i"], applicant_person=Person.objects.create(full_name="Lưu trữ"))
    services.record_archive(record=gone, by=technology_officer, reason="Nhập nhầm")

    certify(number="g1", area_unit=commune)
    certify(number="g2", holder_organisation=None, holder_person=household)
    certify(number="g3", issue_date=dt.date(2022, 6, 1))
    certify(number="c1", kind=UseRightCertificate.Kind.CERTIFICATION_MARK, area_unit=commune)
    return commune


def test_support_counts_applicants_once_and_marks_each(records):
    assert value("ip.support_organisations") == 2
    assert value("ip.support_individuals") == 1
    assert value("ip.supported_marks") == 7
    assert value("ip.support_amount") == 100
    assert value("ip.support_organisations", metrics.Period.year(2022)) == 1


def test_support_by_area(records):
    assert value("ip.support_organisations", units={records.pk}) == 1
    assert value("ip.supported_marks", units={records.pk}) == 3


def test_use_right_certificates_by_kind_year_and_area(records):
    assert value("ip.gi_certificates") == 2
    assert value("ip.certification_mark_certificates") == 1
    assert value("ip.gi_certificates", metrics.Period.year(2022)) == 1
    assert value("ip.gi_certificates", units={records.pk}) == 1
