"""Builders for the IP registry's tests: the division's officer, holders, certificates, cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation, Person
from khcn.registries.ip import services
from khcn.registries.ip.models import Mark, UseRightCertificate


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER, email="qlcn@khcn.local")


@pytest.fixture
def cooperative(db):
    return Organisation.objects.create(
        name="HTX nhãn lồng thử nghiệm",
        kind=Organisation.Kind.COOPERATIVE,
        tax_code="0900222333",
        email="htx@example.vn",
    )


@pytest.fixture
def household(db):
    return Person.objects.create(full_name="Nguyễn Văn Nhãn", id_number="033090000001")


@pytest.fixture
def certify(technology_officer, cooperative):
    """Issue a use-right certificate with sensible defaults; override any field by keyword."""

    def make(*, by=None, **overrides):
        fields = {
            "kind": UseRightCertificate.Kind.GEOGRAPHICAL_INDICATION,
            "number": "01/2023/GCN-CDĐL",
            "holder_organisation": cooperative,
            "product": UseRightCertificate.Product.FRESH_LONGAN,
            "area_ha": Decimal("12.50"),
            "issue_date": dt.date(2023, 6, 20),
        }
        fields.update(overrides)
        return services.certificate_save(certificate=UseRightCertificate(**fields), by=by or technology_officer)

    return make


@pytest.fixture
def mark():
    def make(name="Nhãn lồng thử", **overrides):
        fields = {
            "name": name,
            "kind": Mark.Kind.TRADEMARK,
            "filing_date": dt.date(2023, 7, 1),
            "status": Mark.Status.FILED,
        }
        fields.update(overrides)
        return Mark(**fields)

    return make
