"""Writes of the legal document library: numbers unique per issuer, dates in order, relations
between documents, and who may write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation

pytestmark = pytest.mark.django_db


def test_a_document_is_saved_with_its_folded_search_text_and_history(build, science_officer):
    doc = build.doc(
        "12/2023/QĐ-UBND", "Quy định quản lý nhiệm vụ khoa học và công nghệ", kind=LegalDocument.Kind.NORMATIVE
    )
    assert "khoa hoc va cong nghe" in doc.search_text
    assert "12/2023/qd-ubnd" in doc.search_text
    assert "uy ban nhan dan tinh hung yen" in doc.search_text
    assert doc.history.first().history_user == science_officer


def test_a_duplicate_number_from_the_same_issuer_is_refused_whatever_the_case(build):
    build.doc("12/2023/QĐ-UBND")
    with pytest.raises(ValidationError) as exc:
        build.doc("12/2023/qđ-ubnd ")
    assert "đã có văn bản số" in exc.value.message_dict["number"][0]
    assert LegalDocument.objects.count() == 1


def test_the_same_number_from_another_issuer_is_another_document(build, quoc_hoi):
    build.doc("12/2023/QĐ-UBND")
    build.doc("12/2023/QĐ-UBND", issuer=quoc_hoi)
    assert LegalDocument.objects.count() == 2


def test_a_document_cannot_take_effect_before_it_is_issued(build):
    with pytest.raises(ValidationError) as exc:
        build.doc("1/KH-UBND", issue_date=dt.date(2023, 5, 10), effective_date=dt.date(2023, 5, 1))
    assert "không được trước ngày ban hành" in exc.value.message_dict["effective_date"][0]
    assert not LegalDocument.objects.exists()


def test_a_document_cannot_expire_before_it_takes_effect(build):
    with pytest.raises(ValidationError) as exc:
        build.doc("2/KH-UBND", effective_date=dt.date(2023, 6, 1), expired_on=dt.date(2023, 5, 20))
    assert "expired_on" in exc.value.message_dict


def test_an_expiry_date_marks_the_document_expired(build):
    doc = build.doc("3/KH-UBND", expired_on=dt.date(2024, 1, 1))
    assert doc.expired is True


def test_replacing_a_document_ends_its_force_on_the_day_the_new_one_applies(build, science_officer, quoc_hoi):
    old = build.doc("29/2013/QH13", "Luật Khoa học và công nghệ", issuer=quoc_hoi, issue_date=dt.date(2013, 6, 18))
    new = build.doc(
        "93/2025/QH15",
        "Luật Khoa học, công nghệ và đổi mới sáng tạo",
        issuer=quoc_hoi,
        issue_date=dt.date(2025, 6, 27),
        effective_date=dt.date(2025, 10, 1),
    )
    services.legal_document_relate(source=new, target=old, kind=LegalDocumentRelation.Kind.REPLACES, by=science_officer)
    old.refresh_from_db()
    assert old.expired and old.expired_on == dt.date(2025, 10, 1)
    assert "93/2025/QH15" in old.history.first().history_change_reason


def test_amending_does_not_end_the_force_of_the_amended_document(build, science_officer):
    old = build.doc("119/2017/NĐ-CP", issue_date=dt.date(2017, 11, 1))
    new = build.doc("126/2021/NĐ-CP", issue_date=dt.date(2021, 12, 30))
    services.legal_document_relate(source=new, target=old, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer)
    old.refresh_from_db()
    assert not old.expired


def test_an_older_document_cannot_amend_a_newer_one(build, science_officer):
    old = build.doc("1/2020/QĐ-UBND", issue_date=dt.date(2020, 1, 1))
    new = build.doc("1/2023/QĐ-UBND", issue_date=dt.date(2023, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.legal_document_relate(
            source=old, target=new, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer
        )
    assert "ban hành trước" in exc.value.message_dict["target"][0]
    assert not LegalDocumentRelation.objects.exists()


def test_a_document_cannot_act_on_itself_nor_twice_the_same_way(build, science_officer):
    a = build.doc("5/2023/QĐ-UBND")
    b = build.doc("6/2023/QĐ-UBND", issue_date=dt.date(2023, 6, 1))
    with pytest.raises(ValidationError):
        services.legal_document_relate(source=a, target=a, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer)
    services.legal_document_relate(source=b, target=a, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer)
    with pytest.raises(ValidationError):
        services.legal_document_relate(source=b, target=a, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer)
    assert LegalDocumentRelation.objects.count() == 1


@pytest.mark.parametrize("persona", ["science_officer", "department_leader"])
def test_the_leaders_and_the_science_division_write_the_library(request, persona, ubnd):
    user = request.getfixturevalue(persona)
    doc = services.legal_document_save(
        document=LegalDocument(
            kind="directive", number="9/KH-UBND", issue_date=dt.date(2023, 1, 1), issuer=ubnd, subject="Kế hoạch"
        ),
        by=user,
    )
    assert doc.pk


@pytest.mark.parametrize("persona", ["finance_officer", "technology_officer", "provincial_leader", "outsider"])
def test_other_roles_cannot_write_the_library(request, persona, ubnd):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.legal_document_save(
            document=LegalDocument(
                kind="directive", number="9/KH-UBND", issue_date=dt.date(2023, 1, 1), issuer=ubnd, subject="Kế hoạch"
            ),
            by=user,
        )
    assert not LegalDocument.objects.exists()


def test_archiving_needs_a_reason_and_keeps_the_document(build, science_officer):
    doc = build.doc("7/2023/QĐ-UBND")
    with pytest.raises(ValidationError):
        services.legal_document_archive(document=doc, by=science_officer, reason=" ")
    services.legal_document_archive(document=doc, by=science_officer, reason="Nhập nhầm")
    assert LegalDocument.objects.archived().get() == doc
