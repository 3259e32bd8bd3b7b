"""Fixtures for the report tests: today's and the pre-2025 administrative units, and issuers."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.directory import units
from khcn.directory.models import AdministrativeUnit, Organisation

Level = AdministrativeUnit.Level


def pytest_configure(config: pytest.Config) -> None:
    # The whole-demo acceptance test loads every app's demo (slow): `-m "not demo"` skips it.
    config.addinivalue_line("markers", "demo: loads the whole demo data set (slow)")


@pytest.fixture
def loaded_units(db):
    return units.load_all()


@pytest.fixture
def new_hung_yen(loaded_units) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="33", valid_from=units.REFORM_DATE)


@pytest.fixture
def khoai_chau(loaded_units) -> AdministrativeUnit:
    # A district of the old Hưng Yên, abolished on 01/07/2025.
    return AdministrativeUnit.objects.get(level=Level.DISTRICT, code="330", valid_to=dt.date(2025, 7, 1))


@pytest.fixture
def ha_noi(loaded_units) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01", valid_from=units.REFORM_DATE)


@pytest.fixture
def issuer_in_khoai_chau(khoai_chau) -> Organisation:
    return Organisation.objects.create(
        name="UBND huyện Khoái Châu", kind=Organisation.Kind.STATE_AGENCY, administrative_unit=khoai_chau
    )


@pytest.fixture
def issuer_in_ha_noi(ha_noi) -> Organisation:
    return Organisation.objects.create(
        name="UBND TP Hà Nội", kind=Organisation.Kind.STATE_AGENCY, administrative_unit=ha_noi
    )
