"""Services and rules of the IP registry: support cases and their marks, use-right certificates
(numbers, holders, validity as a rule, revocation, renewal), permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.registries.ip import selectors, services
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate, UseRightValidityRule

pytestmark = pytest.mark.django_db


# --- Support cases and marks -------------------------------------------------------------------


def test_a_case_supports_one_applicant_with_its_marks(technology_officer, cooperative, household, mark):
    case = services.support_case_open(
        by=technology_officer,
        year=2023,
        support_amount=30_000_000,
        applicant_organisation=cooperative,
        marks=[
            mark("A", filing_number="4-2023-00001"),
            mark("B", kind=Mark.Kind.INDUSTRIAL_DESIGN, filing_number="3-2023-00001"),
        ],
    )
    assert case.marks.count() == 2 and case.applicant == cooperative
    for both_or_none in ({"applicant_organisation": cooperative, "applicant_person": household}, {}):
        with pytest.raises(ValidationError) as exc:
            services.support_case_open(by=technology_officer, year=2023, support_amount=1, marks=[], **both_or_none)
        assert "đúng một bên" in " ".join(exc.value.messages)
    assert IPSupportCase.objects.count() == 1


def test_a_filing_number_is_recorded_once(technology_officer, cooperative, household, mark):
    services.support_case_open(
        by=technology_officer,
        year=2023,
        support_amount=1,
        applicant_organisation=cooperative,
        marks=[mark(filing_number="4-2023-00001")],
    )
    with pytest.raises(ValidationError) as exc:
        services.support_case_open(
            by=technology_officer,
            year=2023,
            support_amount=1,
            applicant_person=household,
            marks=[mark(filing_number="4-2023-00001")],
        )
    assert "4-2023-00001" in " ".join(exc.value.messages)
    # The whole case was refused with its mark: nothing half-written.
    assert IPSupportCase.objects.count() == 1 and Mark.objects.count() == 1


def test_a_granted_mark_carries_its_registration_and_dates_in_order(technology_officer, cooperative, mark):
    case = services.support_case_open(
        by=technology_officer,
        year=2023,
        support_amount=1,
        applicant_organisation=cooperative,
        marks=[mark(filing_number="4-2023-9")],
    )
    m = case.marks.get()
    with pytest.raises(ValidationError) as exc:
        services.mark_status_update(
            mark=m, status=Mark.Status.GRANTED, checked_on=dt.date(2024, 1, 5), by=technology_officer
        )
    assert "registration_number" in exc.value.message_dict
    m.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.mark_status_update(
            mark=m,
            status=Mark.Status.GRANTED,
            checked_on=dt.date(2024, 1, 5),
            registration_number="4-0480001",
            grant_date=dt.date(2023, 1, 1),
            by=technology_officer,
        )
    assert "grant_date" in exc.value.message_dict
    m.refresh_from_db()
    services.mark_status_update(
        mark=m,
        status=Mark.Status.GRANTED,
        checked_on=dt.date(2024, 1, 5),
        registration_number="4-0480001",
        grant_date=dt.date(2023, 12, 20),
        by=technology_officer,
    )
    m.refresh_from_db()
    assert m.status == Mark.Status.GRANTED and m.history.count() == 2


# --- Use-right certificates --------------------------------------------------------------------


def test_the_validity_comes_from_the_rule_in_force_on_the_issue_date(certify):
    certificate = certify(issue_date=dt.date(2023, 6, 20))
    assert certificate.valid_until == dt.date(2028, 6, 19)
    assert certificate.designation == "Hưng Yên"
    UseRightValidityRule.objects.create(
        kind="gi", valid_from=dt.date(2025, 1, 1), months=36, legal_basis="Quy chế mới (thử)"
    )
    later = certify(number="02/2025/GCN-CDĐL", issue_date=dt.date(2025, 3, 1))
    assert later.valid_until == dt.date(2028, 2, 29)
    mark = certify(number="01/2023/GCN-NHCN", kind=UseRightCertificate.Kind.CERTIFICATION_MARK)
    assert mark.designation == "Long nhãn Hưng Yên"


def test_a_certificate_number_is_used_once_whatever_its_case(certify, household):
    certify(number="01/2023/GCN-CDĐL")
    with pytest.raises(ValidationError) as exc:
        certify(number="01/2023/gcn-cdđl", holder_organisation=None, holder_person=household)
    assert "đã được dùng" in exc.value.message_dict["number"][0]
    assert UseRightCertificate.objects.count() == 1


def test_a_certificate_has_exactly_one_holder(certify, household, cooperative):
    for holders in ({"holder_organisation": None}, {"holder_person": household}):
        with pytest.raises(ValidationError) as exc:
            certify(**holders)
        assert "đúng một chủ thể" in exc.value.message_dict["holder_organisation"][0]
    assert not UseRightCertificate.objects.exists()


def test_dates_in_the_wrong_order_are_refused(certify):
    with pytest.raises(ValidationError) as exc:
        certify(valid_until=dt.date(2023, 1, 1))
    assert "trước ngày cấp" in exc.value.message_dict["valid_until"][0]


def test_revocation_needs_its_date_and_reason(certify, technology_officer):
    certificate = certify()
    with pytest.raises(ValidationError) as exc:
        services.certificate_revoke(certificate=certificate, on=dt.date(2024, 2, 1), reason="", by=technology_officer)
    assert "lý do" in " ".join(exc.value.messages)
    certificate.refresh_from_db()
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            certificate=certificate, on=dt.date(2023, 1, 1), reason="Vi phạm quy chế", by=technology_officer
        )
    certificate.refresh_from_db()
    assert certificate.revoked is False
    services.certificate_revoke(
        certificate=certificate, on=dt.date(2024, 2, 1), reason="Ngừng sản xuất", by=technology_officer
    )
    certificate.refresh_from_db()
    assert certificate.revoked and selectors.certificate_state(certificate) == selectors.CertificateState.REVOKED


def test_a_renewal_names_the_old_certificate_which_then_shows_as_renewed(certify, technology_officer):
    old = certify()
    new = services.certificate_renew(
        certificate=old, number="05/2028/GCN-CDĐL", issue_date=dt.date(2028, 6, 1), by=technology_officer
    )
    assert new.previous == old and new.holder == old.holder
    assert selectors.certificate_state(old, today=dt.date(2028, 6, 10)) == selectors.CertificateState.RENEWED


def test_only_the_technology_and_ip_division_writes(certify, science_officer, host_user, outsider):
    for user in (science_officer, host_user, outsider):
        with pytest.raises(PermissionDenied):
            certify(by=user)
    assert not UseRightCertificate.objects.exists()


def test_bulk_creation_checks_every_certificate_first(technology_officer, cooperative):
    rows = [
        UseRightCertificate(kind="gi", number="1", holder_organisation=cooperative, issue_date=dt.date(2023, 6, 1)),
        UseRightCertificate(kind="gi", number="2", issue_date=dt.date(2023, 6, 1)),  # no holder
        UseRightCertificate(kind="gi", number="1", holder_organisation=cooperative, issue_date=dt.date(2023, 6, 1)),
    ]
    with pytest.raises(ValidationError) as exc:
        services.certificate_bulk_create(certificates=rows, by=technology_officer)
    text = " ".join(exc.value.messages)
    assert "2:" in text and "trùng" in text
    assert not UseRightCertificate.objects.exists()


def test_a_stale_edit_is_refused(certify, technology_officer):
    from khcn.core.services import StaleRecordError

    certificate = certify()
    loaded = certificate.version
    first = UseRightCertificate.objects.get(pk=certificate.pk)
    first.stamps_issued = 1000
    services.certificate_save(certificate=first, by=technology_officer, expected_version=loaded)
    second = UseRightCertificate.objects.get(pk=certificate.pk)
    second.stamps_issued = 2000
    with pytest.raises(StaleRecordError):
        services.certificate_save(certificate=second, by=technology_officer, expected_version=loaded)
    certificate.refresh_from_db()
    assert certificate.stamps_issued == 1000
