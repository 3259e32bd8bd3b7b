"""The initiatives figures on a hand-built set of records."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.initiatives import services
from khcn.registries.initiatives.models import Initiative

pytestmark = pytest.mark.django_db
S = Initiative.Status
Y2023 = metrics.Period.year(2023)


def value(key, period=Y2023, units=None):
    return metrics.get(key).compute(period, units)


@pytest.fixture
def records(build, province):
    district = AdministrativeUnit.objects.create(code="9333", name="Huyện Thử", level="district")
    elsewhere_unit = Organisation.objects.create(name="Bệnh viện khác", administrative_unit=None)
    build.unit.administrative_unit = district
    build.unit.save()

    council, members = build.council()
    ours = [build.initiative() for _ in range(3)] + [build.initiative(unit=elsewhere_unit)]
    objects = services.initiative_council_add(council=council, initiatives=ours, by=build.officer)
    build.session(council, members, date=dt.date(2023, 6, 16))
    build.session(council, members, date=dt.date(2023, 6, 17))  # a second sitting of the same council
    for council_object, yes in zip(objects, (4, 4, 1, 4), strict=True):
        build.votes(council_object, members, yes=yes)
    services.initiatives_apply_council_results(council=council, by=build.officer)

    late_council, late_members = build.council()
    late = build.initiative()
    (late_object,) = services.initiative_council_add(council=late_council, initiatives=[late], by=build.officer)
    build.session(late_council, late_members, date=dt.date(2024, 1, 10))
    build.votes(late_object, late_members, yes=4)
    services.initiatives_apply_council_results(council=late_council, by=build.officer)

    recommended = list(Initiative.objects.filter(status=S.RECOMMENDED, recommended_on__year=2023).order_by("pk"))
    services.recognition_decision_issue(
        number="1/QĐ-UBND", date=dt.date(2023, 7, 1), issuer=province, initiatives=recommended[:2], by=build.officer
    )
    # An archived (mistaken) application is left out of every figure.
    mistaken = Initiative.objects.get(pk=recommended[2].pk)
    services.record_archive(record=mistaken, by=build.officer, reason="Nhập trùng")
    supported = Initiative.objects.get(pk=recommended[0].pk)
    services.initiative_support_wider(
        initiative=supported, where="Trường THPT Phù Cừ", amount=5_000_000, on=dt.date(2023, 9, 1), by=build.officer
    )
    return district


def test_council_sessions_recommendations_recognitions_and_wider_support(records):
    assert value("initiatives.council_meetings") == 2
    assert value("initiatives.recommended") == 2  # recognised ones still count; the archived one does not
    assert value("initiatives.not_recommended") == 1
    assert value("initiatives.recognised") == 2
    assert value("initiatives.supported_wider") == 1
    assert value("initiatives.supported_wider_amount") == 5_000_000
    assert value("initiatives.recommended", metrics.Period.year(2024)) == 1
    assert value("initiatives.council_meetings", metrics.Period.year(2024)) == 1


def test_figures_by_area(records):
    assert value("initiatives.recommended", units={records.pk}) == 2
    assert value("initiatives.council_meetings", units={records.pk}) == 2
    assert value("initiatives.council_meetings", units=set()) == 0
