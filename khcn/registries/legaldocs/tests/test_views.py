"""The public library (no login): list, search, filters, a document's page and its files; only
public, active documents; a fixed number of queries whatever the list's length."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khcn.registries.legaldocs import services
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation

from .conftest import PDF

pytestmark = pytest.mark.django_db
LIST = reverse("legaldocs:document-list")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_anyone_reads_the_library_without_logging_in(client, build):
    build.doc("04/2011/QH13", "Luật Đo lường")
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "04/2011/QH13" in body and "Luật Đo lường" in body


def test_the_public_search_folds_diacritics(client, build):
    build.doc("04/2011/QH13", "Luật Đo lường")
    build.doc("29/2013/QH13", "Luật Khoa học và công nghệ")
    body = client.get(LIST, {"q": "khoa hoc"}).content.decode()
    assert "29/2013/QH13" in body and "04/2011/QH13" not in body
    body = client.get(LIST, {"q": "do luong"}).content.decode()
    assert "04/2011/QH13" in body and "29/2013/QH13" not in body


def test_filters_by_kind_year_and_force(client, build):
    build.doc("1/2023/QĐ-UBND", kind=LegalDocument.Kind.NORMATIVE, issue_date=dt.date(2023, 2, 1))
    build.doc("2/KH-UBND", kind=LegalDocument.Kind.DIRECTIVE, issue_date=dt.date(2022, 2, 1))
    build.doc(
        "3/KH-UBND", kind=LegalDocument.Kind.DIRECTIVE, issue_date=dt.date(2021, 2, 1), expired_on=dt.date(2022, 1, 1)
    )
    body = client.get(LIST, {"loai": "normative"}).content.decode()
    assert "1/2023/QĐ-UBND" in body and "2/KH-UBND" not in body
    body = client.get(LIST, {"nam": "2022"}).content.decode()
    assert "2/KH-UBND" in body and "1/2023/QĐ-UBND" not in body
    body = client.get(LIST, {"hieu-luc": "het-hieu-luc"}).content.decode()
    assert "3/KH-UBND" in body and "2/KH-UBND" not in body
    body = client.get(LIST, {"hieu-luc": "con-hieu-luc"}).content.decode()
    assert "3/KH-UBND" not in body and "2/KH-UBND" in body


def test_unpublished_and_archived_documents_are_not_public(client, build, science_officer):
    hidden = build.doc("8/SKHCN-VP", "Công văn nội bộ", is_public=False)
    archived = build.doc("9/KH-UBND", "Kế hoạch nhập nhầm")
    services.legal_document_archive(document=archived, by=science_officer, reason="Nhập nhầm")
    body = client.get(LIST).content.decode()
    assert "8/SKHCN-VP" not in body and "9/KH-UBND" not in body
    assert client.get(reverse("legaldocs:document-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("legaldocs:document-detail", args=[archived.pk])).status_code == 404


def test_a_document_page_shows_its_relations_both_ways(client, build, science_officer):
    old = build.doc("119/2017/NĐ-CP", "Xử phạt tiêu chuẩn, đo lường, chất lượng", issue_date=dt.date(2017, 11, 1))
    new = build.doc("126/2021/NĐ-CP", "Sửa đổi các nghị định xử phạt", issue_date=dt.date(2021, 12, 30))
    services.legal_document_relate(source=new, target=old, kind=LegalDocumentRelation.Kind.AMENDS, by=science_officer)
    body = client.get(reverse("legaldocs:document-detail", args=[old.pk])).content.decode()
    assert "Được sửa đổi, bổ sung bởi" in body and "126/2021/NĐ-CP" in body
    body = client.get(reverse("legaldocs:document-detail", args=[new.pk])).content.decode()
    assert "Sửa đổi, bổ sung" in body and "119/2017/NĐ-CP" in body


def test_the_file_of_a_public_document_downloads_without_login(client, build, science_officer, media_root):
    doc = build.doc("04/2011/QH13", "Luật Đo lường")
    attachment = services.legal_document_attach(
        document=doc, upload=SimpleUploadedFile("luat-do-luong.pdf", PDF), by=science_officer
    )
    page = client.get(reverse("legaldocs:document-detail", args=[doc.pk])).content.decode()
    url = reverse("legaldocs:document-file", args=[doc.pk, attachment.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # The file of another document is not reachable through this document's address.
    other = build.doc("05/2007/QH12", "Luật Chất lượng")
    assert client.get(reverse("legaldocs:document-file", args=[other.pk, attachment.pk])).status_code == 404


def test_the_list_costs_the_same_for_few_or_many_documents(
    client, build, django_assert_max_num_queries, django_assert_num_queries
):
    build.doc("1/KH-UBND")
    with django_assert_max_num_queries(6) as few:
        client.get(LIST)
    for n in range(2, 30):
        build.doc(f"{n}/KH-UBND", issue_date=dt.date(2020 + n % 4, 1, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST, {"q": "khoa hoc"})
