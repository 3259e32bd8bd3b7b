"""Builders for the technology registry's tests: the division's officer, parties, a certificate."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation
from khcn.registries.technology import services
from khcn.registries.technology.models import InvestmentProject, TechnologyOpinion


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER, email="qlcn@khcn.local")


@pytest.fixture
def transferor(db):
    return Organisation.objects.create(name="Công ty TNHH Kỹ thuật Sakura (thử)", kind=Organisation.Kind.ENTERPRISE)


@pytest.fixture
def transferee(db):
    return Organisation.objects.create(
        name="Công ty TNHH Cơ khí Phố Nối (thử)", kind=Organisation.Kind.ENTERPRISE, tax_code="0900111222"
    )


@pytest.fixture
def issue(technology_officer, transferor, transferee):
    """Issue a certificate with sensible defaults; override any field by keyword."""

    def make(**overrides):
        fields = {
            "number": "01/GCNĐKCGCN-SKHCN",
            "transferor": transferor,
            "transferee": transferee,
            "technology": "Công nghệ gia công CNC",
            "contract_number": "HĐ-01",
            "contract_signed_on": dt.date(2023, 1, 10),
            "filed_on": dt.date(2023, 2, 20),
            "issue_date": dt.date(2023, 3, 15),
            "by": technology_officer,
        }
        fields.update(overrides)
        return services.transfer_certificate_issue(**fields)

    return make


@pytest.fixture
def project(technology_officer, transferee):
    return services.project_save(
        project=InvestmentProject(code="DA-01", name="Nhà máy linh kiện (thử)", investor=transferee),
        by=technology_officer,
    )


@pytest.fixture
def opinion(technology_officer, project):
    return services.opinion_save(
        opinion=TechnologyOpinion(project=project, request_date=dt.date(2023, 5, 2)), by=technology_officer
    )
