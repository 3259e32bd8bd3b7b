"""The technology figures on a hand-built set of records: what counts, in which year, where."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember
from khcn.directory.models import AdministrativeUnit, Organisation, Person
from khcn.registries.technology import services
from khcn.registries.technology.models import (
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    Workshop,
)

pytestmark = pytest.mark.django_db
Y2023 = metrics.Period.year(2023)


def value(key, period=Y2023, units=None):
    return metrics.get(key).compute(period, units)


@pytest.fixture
def records(technology_officer, transferor, transferee, issue):
    district = AdministrativeUnit.objects.create(code="9001", name="Huyện Thử", level="district")
    elsewhere = AdministrativeUnit.objects.create(code="9002", name="Huyện Khác", level="district")
    investor = Organisation.objects.create(name="Nhà đầu tư (thử)")
    projects = [
        services.project_save(
            project=InvestmentProject(name=f"Dự án {i}", investor=investor, location=district if i < 3 else elsewhere),
            by=technology_officer,
        )
        for i in range(4)
    ]

    def opinion(project, requested, answered, stage=""):
        return services.opinion_save(
            opinion=TechnologyOpinion(
                project=project,
                stage=stage,
                request_date=requested,
                answer_date=answered,
                conclusion="agree" if answered else "",
            ),
            by=technology_officer,
        )

    opinions = [
        opinion(projects[0], dt.date(2023, 2, 1), dt.date(2023, 2, 10)),
        opinion(projects[0], dt.date(2023, 8, 1), dt.date(2023, 8, 25), stage="Điều chỉnh"),  # late; same project
        opinion(projects[1], dt.date(2023, 12, 20), dt.date(2024, 1, 3)),  # answered in 2024
        opinion(projects[2], dt.date(2023, 11, 1), None),  # not answered
        opinion(projects[3], dt.date(2023, 3, 1), dt.date(2023, 3, 5)),
    ]
    archived = opinion(projects[3], dt.date(2023, 4, 1), dt.date(2023, 4, 5), stage="Nhập nhầm")
    services.record_archive(record=archived, by=technology_officer, reason="Nhập nhầm")

    chair = Person.objects.create(full_name="Chủ tịch (thử)")
    for n, (met, target) in enumerate([(dt.date(2023, 3, 1), opinions[0]), (dt.date(2024, 3, 1), opinions[4])]):
        council = council_services.council_create(
            kind=Council.Kind.TECHNOLOGY_APPRAISAL, year=met.year, name=f"HĐ {n}", by=technology_officer
        )
        member = council_services.council_member_add(
            council=council, person=chair, role=CouncilMember.Role.CHAIR, by=technology_officer
        )
        services.appraisal_council_attach(opinion=target, council=council, by=technology_officer)
        council_services.meeting_record(council=council, date=met, place="Sở", present=[member], by=technology_officer)
    # A second sitting of the 2023 council the same year: still one council.
    council = Council.objects.get(name="HĐ 0")
    council_services.meeting_record(
        council=council,
        date=dt.date(2023, 4, 1),
        place="Sở",
        present=list(council.members.all()),
        by=technology_officer,
    )
    # A council of another kind meeting in 2023 does not count.
    other = council_services.council_create(
        kind=Council.Kind.INITIATIVES, year=2023, name="HĐ sáng kiến", by=technology_officer
    )
    member = council_services.council_member_add(
        council=other, person=chair, role=CouncilMember.Role.CHAIR, by=technology_officer
    )
    council_services.meeting_record(
        council=other, date=dt.date(2023, 5, 1), place="Sở", present=[member], by=technology_officer
    )

    for title, date, kind, n in [
        ("A", dt.date(2023, 5, 1), Workshop.Kind.WORKSHOP, 180),
        ("B", dt.date(2023, 9, 1), Workshop.Kind.WORKSHOP, 150),
        ("C", dt.date(2023, 10, 1), Workshop.Kind.TRAINING, 70),
        ("D", dt.date(2022, 10, 1), Workshop.Kind.WORKSHOP, 99),
    ]:
        services.workshop_save(
            workshop=Workshop(title=title, date=date, kind=kind, attendee_count=n), by=technology_officer
        )

    original = issue(
        number="1",
        issue_date=dt.date(2022, 3, 15),
        contract_signed_on=dt.date(2022, 1, 10),
        filed_on=dt.date(2022, 2, 20),
        contract_value=100,
    )
    issue(number="2", contract_value=200)
    issue(number="3", kind=TechnologyTransferCertificate.Kind.AMENDMENT, original=original, contract_value=300)
    return district


def test_projects_given_opinions_count_each_project_once_by_answer_date(records):
    assert value("technology.opinions") == 2  # projects 0 (twice) and 3; 1 answered in 2024, 2 not answered
    assert value("technology.opinion_letters") == 3
    assert value("technology.opinions_late") == 1
    assert value("technology.opinions", metrics.Period.year(2024)) == 1


def test_opinions_by_area(records):
    assert value("technology.opinions", units={records.pk}) == 1


def test_appraisal_councils_held_in_the_year(records):
    assert value("technology.appraisal_councils") == 1
    assert value("technology.appraisal_councils", metrics.Period.year(2024)) == 1
    assert value("technology.appraisal_councils", units={records.pk}) == 1


def test_workshops_and_their_attendees(records):
    assert value("technology.workshops") == 2
    assert value("technology.workshop_attendees") == 330
    assert value("technology.trainings") == 1
    assert value("technology.training_attendees") == 70


def test_transfer_certificates_new_and_amended(records):
    assert value("technology.transfer_certificates_new") == 1
    assert value("technology.transfer_certificates_amended") == 1
    assert value("technology.transfer_contract_value") == 500
    assert value("technology.transfer_certificates_new", metrics.Period.year(2022)) == 1
