"""Services and rules of the technology registry: the 90-day filing rule as data, numbers,
dates, amendments, opinions and their deadline, appraisal councils, archiving, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilObject
from khcn.registries.technology import selectors, services
from khcn.registries.technology.models import DeadlineRule, TechnologyOpinion, TechnologyTransferCertificate

pytestmark = pytest.mark.django_db
Kind = TechnologyTransferCertificate.Kind


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- Transfer certificates: the filing deadline ----------------------------------------------------


def test_the_filing_rules_are_seeded_as_data():
    rule = DeadlineRule.objects.get(kind=DeadlineRule.Kind.TRANSFER_FILING)
    assert (rule.days, rule.working_days) == (90, False)
    assert "Điều 31" in rule.legal_basis
    assert rule.history.count() == 1


def test_a_filing_on_the_ninetieth_day_is_accepted_and_its_deadline_kept(issue):
    certificate = issue(
        contract_signed_on=dt.date(2023, 1, 10), filed_on=dt.date(2023, 4, 10), issue_date=dt.date(2023, 4, 20)
    )
    assert certificate.filing_due == dt.date(2023, 4, 10)
    assert certificate.history.first().history_user.username == "technology_officer"


def test_a_late_filing_is_refused_with_a_clear_message_and_nothing_is_written(issue):
    with pytest.raises(ValidationError) as exc:
        issue(contract_signed_on=dt.date(2023, 1, 10), filed_on=dt.date(2023, 4, 11), issue_date=dt.date(2023, 4, 20))
    message = exc.value.message_dict["filed_on"][0]
    assert "Hồ sơ nộp muộn" in message
    assert "11/04/2023" in message and "10/01/2023" in message and "hạn cuối 10/04/2023" in message
    assert "90 ngày" in message and "Điều 31" in message
    assert not TechnologyTransferCertificate.objects.exists()


def test_the_limit_comes_from_the_rule_in_force_on_the_signing_date(issue, technology_officer):
    DeadlineRule.objects.create(
        kind=DeadlineRule.Kind.TRANSFER_FILING,
        valid_from=dt.date(2026, 1, 1),
        days=60,
        legal_basis="Luật sửa đổi (thử)",
    )
    # Signed under the old rule: 90 days still apply.
    issue(
        number="A",
        contract_signed_on=dt.date(2025, 12, 31),
        filed_on=dt.date(2026, 3, 20),
        issue_date=dt.date(2026, 3, 25),
    )
    # Signed under the new one: day 61 is late.
    with pytest.raises(ValidationError) as exc:
        issue(
            number="B",
            contract_signed_on=dt.date(2026, 1, 5),
            filed_on=dt.date(2026, 3, 7),
            issue_date=dt.date(2026, 3, 9),
        )
    assert "60 ngày" in _messages(exc)
    issue(
        number="C", contract_signed_on=dt.date(2026, 1, 5), filed_on=dt.date(2026, 3, 6), issue_date=dt.date(2026, 3, 9)
    )


def test_working_day_rules_skip_weekends():
    rule = DeadlineRule(
        kind=DeadlineRule.Kind.OPINION_ANSWER, valid_from=dt.date(2020, 1, 1), days=5, working_days=True
    )
    # Friday 03/11/2023 + 5 working days = Friday 10/11/2023.
    assert rule.due_date(dt.date(2023, 11, 3)) == dt.date(2023, 11, 10)


@pytest.mark.parametrize(
    ("signed", "filed", "issued", "field"),
    [
        (dt.date(2023, 3, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 5), "filed_on"),
        (dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 1, 20), "issue_date"),
    ],
)
def test_dates_in_the_wrong_order_are_refused(issue, signed, filed, issued, field):
    with pytest.raises(ValidationError) as exc:
        issue(contract_signed_on=signed, filed_on=filed, issue_date=issued)
    assert field in exc.value.message_dict
    assert "trước" in exc.value.message_dict[field][0]
    assert not TechnologyTransferCertificate.objects.exists()


def test_a_certificate_number_is_used_once_whatever_its_case(issue):
    issue(number="01/GCNĐKCGCN-SKHCN")
    with pytest.raises(ValidationError) as exc:
        issue(number=" 01/gcnđkcgcn-skhcn ")
    assert "đã được dùng" in exc.value.message_dict["number"][0]
    assert TechnologyTransferCertificate.objects.count() == 1


def test_an_amendment_names_its_original_and_a_new_certificate_does_not(issue):
    original = issue()
    with pytest.raises(ValidationError) as exc:
        issue(number="02", kind=Kind.AMENDMENT)
    assert "original" in exc.value.message_dict
    with pytest.raises(ValidationError):
        issue(number="03", kind=Kind.NEW, original=original)
    amendment = issue(
        number="04",
        kind=Kind.AMENDMENT,
        original=original,
        contract_signed_on=dt.date(2023, 8, 1),
        filed_on=dt.date(2023, 9, 1),
        issue_date=dt.date(2023, 9, 20),
    )
    assert list(original.amendments.all()) == [amendment]


def test_only_the_technology_division_writes(issue, science_officer, host_user, outsider):
    for user in (science_officer, host_user, outsider):
        with pytest.raises(PermissionDenied):
            issue(by=user)
    assert not TechnologyTransferCertificate.objects.exists()


def test_archiving_needs_a_reason_and_frees_the_number(issue, technology_officer, science_officer):
    certificate = issue()
    with pytest.raises(ValidationError):
        services.record_archive(record=certificate, by=technology_officer, reason=" ")
    with pytest.raises(PermissionDenied):
        services.record_archive(record=certificate, by=science_officer, reason="Nhập nhầm")
    services.record_archive(record=certificate, by=technology_officer, reason="Nhập nhầm")
    certificate.refresh_from_db()
    assert certificate.archived_at is not None and certificate.archive_reason == "Nhập nhầm"
    issue()  # the number of an archived (mistaken) certificate can be entered again


# --- Opinions -----------------------------------------------------------------------------------


def test_an_opinion_gets_its_deadline_from_the_rule(opinion):
    # 15 days from 02/05/2023 under the seeded rule.
    assert opinion.answer_due == dt.date(2023, 5, 17)
    assert opinion.answered_late is None


def test_answering_records_the_conclusion_and_whether_it_was_late(opinion, technology_officer):
    services.opinion_answer(
        opinion=opinion,
        answer_number="1201/SKHCN-QLCN",
        answer_date=dt.date(2023, 5, 19),
        conclusion=TechnologyOpinion.Conclusion.AGREE,
        by=technology_officer,
    )
    opinion.refresh_from_db()
    assert opinion.answered_late is True
    with pytest.raises(ValidationError):
        services.opinion_answer(
            opinion=opinion,
            answer_number="x",
            answer_date=dt.date(2023, 5, 20),
            conclusion="agree",
            by=technology_officer,
        )


def test_an_answer_before_the_request_or_without_a_conclusion_is_refused(opinion, technology_officer):
    opinion.answer_date = dt.date(2023, 4, 1)
    opinion.conclusion = TechnologyOpinion.Conclusion.AGREE
    with pytest.raises(ValidationError) as exc:
        services.opinion_save(opinion=opinion, by=technology_officer)
    assert "trước ngày nhận" in exc.value.message_dict["answer_date"][0]
    opinion.answer_date = dt.date(2023, 5, 5)
    opinion.conclusion = ""
    with pytest.raises(ValidationError) as exc:
        services.opinion_save(opinion=opinion, by=technology_officer)
    assert "conclusion" in exc.value.message_dict


def test_answer_numbers_are_unique(opinion, project, technology_officer):
    services.opinion_answer(
        opinion=opinion,
        answer_number="55/SKHCN-QLCN",
        answer_date=dt.date(2023, 5, 6),
        conclusion="agree",
        by=technology_officer,
    )
    second = TechnologyOpinion(
        project=project,
        stage="Điều chỉnh",
        request_date=dt.date(2023, 9, 1),
        answer_number="55/skhcn-qlcn",
        answer_date=dt.date(2023, 9, 5),
        conclusion="agree",
    )
    with pytest.raises(ValidationError) as exc:
        services.opinion_save(opinion=second, by=technology_officer)
    assert "đã được dùng" in exc.value.message_dict["answer_number"][0]


def test_an_opinion_goes_before_a_technology_appraisal_council_only(opinion, technology_officer):
    appraisal = council_services.council_create(
        kind=Council.Kind.TECHNOLOGY_APPRAISAL,
        year=2023,
        name="Hội đồng thẩm định công nghệ (thử)",
        by=technology_officer,
    )
    other = council_services.council_create(
        kind=Council.Kind.INITIATIVES, year=2023, name="Hội đồng sáng kiến (thử)", by=technology_officer
    )
    with pytest.raises(ValidationError):
        services.appraisal_council_attach(opinion=opinion, council=other, by=technology_officer)
    council_object = services.appraisal_council_attach(opinion=opinion, council=appraisal, by=technology_officer)
    assert council_object.target == opinion
    assert "Nhà máy linh kiện" in council_object.title
    assert list(selectors.appraisal_councils_for(opinion)) == [appraisal]
    with pytest.raises(ValidationError):
        services.appraisal_council_attach(opinion=opinion, council=appraisal, by=technology_officer)
    assert CouncilObject.objects.count() == 1


def test_bulk_creation_validates_every_opinion_first(project, technology_officer):
    good = TechnologyOpinion(project=project, request_date=dt.date(2023, 1, 5))
    bad = TechnologyOpinion(
        project=project, request_date=dt.date(2023, 1, 5), answer_date=dt.date(2023, 1, 1), conclusion="agree"
    )
    with pytest.raises(ValidationError) as exc:
        services.opinion_bulk_create(opinions=[good, bad], by=technology_officer)
    assert any(m.startswith("2:") for m in exc.value.messages)
    assert not TechnologyOpinion.objects.exists()
    made = services.opinion_bulk_create(opinions=[good], by=technology_officer, reason="Thử")
    assert made[0].answer_due == dt.date(2023, 1, 20)
    assert TechnologyOpinion.history.filter(history_change_reason="Thử").count() == 1


def test_a_stale_edit_is_refused(issue, technology_officer):
    from khcn.core.services import StaleRecordError

    certificate = issue()
    loaded = certificate.version
    first = TechnologyTransferCertificate.objects.get(pk=certificate.pk)
    first.signer = "Giám đốc Sở"
    services.transfer_certificate_save(certificate=first, by=technology_officer, expected_version=loaded)
    second = TechnologyTransferCertificate.objects.get(pk=certificate.pk)
    second.signer = "Phó Giám đốc Sở"
    with pytest.raises(StaleRecordError):
        services.transfer_certificate_save(certificate=second, by=technology_officer, expected_version=loaded)
    certificate.refresh_from_db()
    assert certificate.signer == "Giám đốc Sở"
