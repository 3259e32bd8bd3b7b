"""Which kinds the department may record depends on the date, by rule records seeded in a data
migration: since 01/07/2025 it checks (kiểm tra); inspections (thanh tra) belong to the provincial
inspectorate (Luật Thanh tra 2025). The rule is data: changing the records changes the answer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from khcn.core import services as core_services
from khcn.registries.inspections import selectors, services
from khcn.registries.inspections.models import Inspection, InspectionAuthorityRule

pytestmark = pytest.mark.django_db
TT, KT = Inspection.Kind.INSPECTION, Inspection.Kind.CHECK
REFORM = dt.date(2025, 7, 1)


def test_the_migration_seeds_the_rules():
    rules = {(r.kind, r.valid_from, r.valid_to, r.allowed) for r in InspectionAuthorityRule.objects.all()}
    assert (TT, dt.date(2004, 10, 1), REFORM, True) in rules
    assert (TT, REFORM, None, False) in rules
    assert (KT, dt.date(2004, 10, 1), None, True) in rules
    assert InspectionAuthorityRule.objects.first().history.exists()


def test_an_inspection_on_the_last_day_before_the_reform_is_recorded(build):
    inspection = build.campaign(kind=TT, start=REFORM - dt.timedelta(days=1), end=None)
    assert inspection.code == "TT-2025-01"


def test_an_inspection_dated_from_the_reform_is_refused_with_a_clear_message(build):
    with pytest.raises(ValidationError) as exc:
        build.campaign(kind=TT, start=REFORM, end=None)
    message = exc.value.message_dict["kind"][0]
    assert "Không ghi nhận được cuộc thanh tra ngày 01/07/2025" in message
    assert "Luật Thanh tra 2025 (84/2025/QH15)" in message and "Thanh tra tỉnh" in message
    assert not Inspection.objects.exists()


def test_a_check_after_the_reform_is_recorded(build):
    assert build.campaign(kind=KT, start=dt.date(2025, 9, 15), end=None).code == "KT-2025-01"


def test_a_decision_taken_before_the_reform_lets_its_inspection_run_after_it(build):
    decision = build.decision(dt.date(2025, 6, 25))
    inspection = build.campaign(kind=TT, start=dt.date(2025, 7, 10), end=None, decision=decision)
    assert inspection.authority_date == dt.date(2025, 6, 25)


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (dt.datetime(2025, 3, 1, 9, 0), True),
        (dt.datetime(2025, 6, 30, 16, 0), True),
        (dt.datetime(2025, 8, 15, 9, 0), False),
    ],
)
def test_an_inspection_opened_today_depends_on_today(build, today, allowed):
    with time_machine.travel(today, tick=False):
        from django.utils import timezone

        start = timezone.localdate()
        if allowed:
            assert build.campaign(kind=TT, start=start, end=None).pk
        else:
            with pytest.raises(ValidationError):
                build.campaign(kind=TT, start=start, end=None)
            assert not Inspection.objects.exists()


def test_the_rule_is_data_editing_it_changes_the_answer(build, inspector):
    refusing = selectors.authority_rule(TT, dt.date(2025, 8, 1))
    assert refusing is not None and not refusing.allowed
    core_services.record_archive(record=refusing, by=inspector, reason="Thử nghiệm")
    with pytest.raises(ValidationError) as exc:
        build.campaign(kind=TT, start=dt.date(2025, 8, 1), end=None)
    assert "Chưa có quy tắc thẩm quyền" in exc.value.message_dict["kind"][0]
    InspectionAuthorityRule.objects.create(
        kind=TT, valid_from=dt.date(2025, 7, 1), allowed=True, legal_basis="Quy tắc thử nghiệm"
    )
    assert build.campaign(kind=TT, start=dt.date(2025, 8, 1), end=None).pk


def test_changing_an_old_check_into_an_inspection_after_the_reform_is_refused(build, inspector):
    check = build.campaign(kind=KT, start=dt.date(2025, 9, 1), end=None)
    check.kind = TT
    with pytest.raises(ValidationError):
        services.inspection_save(inspection=check, by=inspector, expected_version=check.version)
    check.refresh_from_db()
    assert check.kind == KT
