"""Services of initiatives: applications and authors, the council's computed recommendation,
recognition decisions (duplicate numbers, dates), wider application, permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.councils.models import Council
from khcn.directory.models import OfficialDocument, Person
from khcn.registries.initiatives import services
from khcn.registries.initiatives.models import Initiative, InitiativeEvent

from .conftest import SESSION_DAY

S = Initiative.Status
pytestmark = pytest.mark.django_db


# --- Applications -------------------------------------------------------------------------------


def test_authors_keep_their_order_and_shares(build):
    a, b = Person.objects.create(full_name="Lê Văn A"), Person.objects.create(full_name="Trần Thị B")
    initiative = build.initiative(authors=[(b, Decimal("60")), (a, Decimal("30"))])
    links = list(initiative.author_links.order_by("order"))
    assert [(link.person, link.order, link.share_percent) for link in links] == [
        (b, 1, Decimal("60")),
        (a, 2, Decimal("30")),
    ]
    assert initiative.status == S.SUBMITTED
    with pytest.raises(ValidationError):
        services.initiative_authors_set(initiative=initiative, authors=[a, a], by=build.officer)
    assert initiative.author_links.count() == 2


def test_codes_are_unique_whatever_their_case(build):
    build.initiative(code="SK-2023-001")
    with pytest.raises(ValidationError) as exc:
        build.initiative(code="sk-2023-001")
    assert "đã được dùng" in exc.value.message_dict["code"][0]


@time_machine.travel(dt.datetime(2023, 3, 1, 9, 0))
def test_an_initiative_must_already_be_applied(build):
    with pytest.raises(ValidationError) as exc:
        build.initiative(first_applied_on=dt.date(2023, 4, 1))
    assert "tương lai" in exc.value.message_dict["first_applied_on"][0]
    build.initiative(first_applied_on=dt.date(2023, 2, 1))


def test_only_the_science_division_writes(build, technology_officer, host_user, outsider):
    for user in (technology_officer, host_user, outsider):
        with pytest.raises(PermissionDenied):
            services.initiative_save(initiative=Initiative(code="X", title="X", unit=build.unit, year=2023), by=user)
    initiative = build.initiative()
    with pytest.raises(PermissionDenied):
        services.initiative_transition(initiative=initiative, to=S.WITHDRAWN, reason="Rút", by=technology_officer)


# --- The council's recommendation ------------------------------------------------------------------


def test_the_council_result_moves_each_initiative(build):
    council, members = build.council()
    passed, failed, waiting = build.initiative(), build.initiative(), build.initiative()
    objects = services.initiative_council_add(council=council, initiatives=[passed, failed, waiting], by=build.officer)
    build.session(council, members)
    build.votes(objects[0], members, yes=3)
    build.votes(objects[1], members, yes=1)
    build.votes(objects[2], members[:2], yes=2)  # two of four sheets so far

    counts = services.initiatives_apply_council_results(council=council, by=build.officer)
    assert counts == {S.RECOMMENDED: 1, S.NOT_RECOMMENDED: 1, "pending": 1}
    for initiative in (passed, failed, waiting):
        initiative.refresh_from_db()
    assert (passed.status, failed.status, waiting.status) == (S.RECOMMENDED, S.NOT_RECOMMENDED, S.SUBMITTED)
    assert passed.recommended_on == SESSION_DAY and passed.council_object == objects[0]
    event = InitiativeEvent.objects.get(initiative=passed)
    assert (event.from_status, event.to_status, event.by, event.effective_date) == (
        S.SUBMITTED,
        S.RECOMMENDED,
        build.officer,
        SESSION_DAY,
    )


def test_a_move_against_the_councils_result_is_refused(build):
    initiative, _council = build.judged(yes=1)
    with pytest.raises(ValidationError) as exc:
        services.initiative_transition(initiative=initiative, to=S.RECOMMENDED, by=build.officer)
    assert "Hội đồng không đề nghị công nhận" in " ".join(exc.value.messages)
    services.initiative_transition(initiative=initiative, to=S.NOT_RECOMMENDED, by=build.officer)


def test_no_recommendation_before_the_council_has_a_result(build):
    lonely = build.initiative()
    with pytest.raises(ValidationError) as exc:
        services.initiative_transition(initiative=lonely, to=S.RECOMMENDED, by=build.officer)
    assert "chưa được đưa ra hội đồng" in " ".join(exc.value.messages)
    council, members = build.council()
    services.initiative_council_add(council=council, initiatives=[lonely], by=build.officer)
    with pytest.raises(ValidationError) as exc:
        services.initiative_transition(initiative=lonely, to=S.RECOMMENDED, by=build.officer)
    assert "chưa có kết quả" in " ".join(exc.value.messages)
    lonely.refresh_from_db()
    assert lonely.status == S.SUBMITTED


def test_only_submitted_initiatives_go_before_an_initiatives_council(build, science_officer):
    from khcn.councils import services as council_services

    initiative, _council = build.judged(yes=4)
    services.initiative_transition(initiative=initiative, to=S.RECOMMENDED, by=build.officer)
    council, _members = build.council()
    with pytest.raises(ValidationError):
        services.initiative_council_add(council=council, initiatives=[initiative], by=build.officer)
    appraisal = council_services.council_create(
        kind=Council.Kind.TECHNOLOGY_APPRAISAL, year=2023, name="HĐ công nghệ", by=science_officer
    )
    with pytest.raises(ValidationError):
        services.initiative_council_add(council=appraisal, initiatives=[build.initiative()], by=build.officer)


# --- Recognition --------------------------------------------------------------------------------


@pytest.fixture
def recommended(build):
    council, members = build.council()
    initiatives = [build.initiative() for _ in range(3)]
    objects = services.initiative_council_add(council=council, initiatives=initiatives, by=build.officer)
    build.session(council, members)
    for council_object in objects:
        build.votes(council_object, members, yes=4)
    services.initiatives_apply_council_results(council=council, by=build.officer)
    return [Initiative.objects.get(pk=i.pk) for i in initiatives]


def test_a_decision_recognises_the_recommended_initiatives(build, recommended, province):
    document = services.recognition_decision_issue(
        number="1452/QĐ-UBND", date=dt.date(2023, 7, 14), issuer=province, initiatives=recommended, by=build.officer
    )
    for initiative in recommended:
        initiative.refresh_from_db()
        assert (initiative.status, initiative.decision, initiative.recognised_on) == (
            S.RECOGNISED,
            document,
            dt.date(2023, 7, 14),
        )
    assert document.history.first().history_user == build.officer


def test_a_decision_number_already_used_is_refused_and_nothing_changes(build, recommended, province):
    OfficialDocument.objects.create(
        number="1452/QĐ-UBND", date=dt.date(2023, 2, 1), issuer=province, subject="Một quyết định khác"
    )
    with pytest.raises(ValidationError) as exc:
        services.recognition_decision_issue(
            number="1452/QĐ-UBND", date=dt.date(2023, 7, 14), issuer=province, initiatives=recommended, by=build.officer
        )
    message = exc.value.message_dict["number"][0]
    assert "1452/QĐ-UBND" in message and "đã được dùng" in message and "01/02/2023" in message
    assert not Initiative.objects.filter(status=S.RECOGNISED).exists()
    assert OfficialDocument.objects.count() == 1


def test_a_decision_before_the_session_or_for_an_unrecommended_initiative_is_refused(build, recommended, province):
    with pytest.raises(ValidationError) as exc:
        services.recognition_decision_issue(
            number="1/QĐ-UBND",
            date=SESSION_DAY - dt.timedelta(days=1),
            issuer=province,
            initiatives=recommended,
            by=build.officer,
        )
    assert "trước ngày hội đồng xét" in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as exc:
        services.recognition_decision_issue(
            number="2/QĐ-UBND",
            date=dt.date(2023, 7, 14),
            issuer=province,
            initiatives=[*recommended, build.initiative()],
            by=build.officer,
        )
    assert "Chỉ công nhận sáng kiến đã được hội đồng đề nghị" in " ".join(exc.value.messages)
    assert not OfficialDocument.objects.exists()
    assert not Initiative.objects.filter(status=S.RECOGNISED).exists()


def test_wider_application_only_for_a_recognised_initiative(build, recommended, province):
    first = recommended[0]
    with pytest.raises(ValidationError):
        services.initiative_support_wider(
            initiative=first, where="Trường THPT Phù Cừ", by=build.officer, on=dt.date(2023, 8, 1)
        )
    services.recognition_decision_issue(
        number="9/QĐ-UBND", date=dt.date(2023, 7, 14), issuer=province, initiatives=recommended, by=build.officer
    )
    first.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.initiative_support_wider(initiative=first, where=" ", by=build.officer, on=dt.date(2023, 8, 1))
    assert "where" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.initiative_support_wider(initiative=first, where="Phù Cừ", by=build.officer, on=dt.date(2023, 7, 1))
    assert "trước ngày công nhận" in exc.value.message_dict["on"][0]
    services.initiative_support_wider(
        initiative=first,
        where="Trường THPT Phù Cừ, Trường THPT Văn Giang",
        amount=30_000_000,
        on=dt.date(2023, 12, 15),
        by=build.officer,
    )
    first.refresh_from_db()
    assert first.supported_for_wider_application and first.wider_support_amount == 30_000_000
    with pytest.raises(ValidationError):
        services.initiative_support_wider(
            initiative=first, where="Nơi khác", by=build.officer, on=dt.date(2023, 12, 20)
        )


def test_withdrawal_needs_a_reason_and_a_refused_initiative_can_return(build):
    initiative = build.initiative()
    with pytest.raises(ValidationError):
        services.initiative_transition(initiative=initiative, to=S.WITHDRAWN, by=build.officer)
    refused, _council = build.judged(yes=0)
    services.initiative_transition(initiative=refused, to=S.NOT_RECOMMENDED, by=build.officer)
    services.initiative_transition(initiative=refused, to=S.SUBMITTED, reason="Trình phiên sau", by=build.officer)
    refused.refresh_from_db()
    assert refused.status == S.SUBMITTED and refused.council_object is None and refused.recommended_on is None
    assert refused.events.count() == 2


def test_a_stale_edit_is_refused(build):
    from khcn.core.services import StaleRecordError

    initiative = build.initiative()
    loaded = initiative.version
    first = Initiative.objects.get(pk=initiative.pk)
    first.title = "Tên mới"
    services.initiative_save(initiative=first, by=build.officer, expected_version=loaded)
    second = Initiative.objects.get(pk=initiative.pk)
    second.title = "Tên khác"
    with pytest.raises(StaleRecordError):
        services.initiative_save(initiative=second, by=build.officer, expected_version=loaded)
    initiative.refresh_from_db()
    assert initiative.title == "Tên mới"
