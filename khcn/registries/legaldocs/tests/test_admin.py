"""The library's back office: who sees and who edits, the folded search, form errors from the
service's checks, relations through the inline, and list pages of fixed cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:legaldocs_legaldocument_changelist")
ADD = reverse("admin:legaldocs_legaldocument_add")


def form_data(issuer, **fields):
    data = {
        "kind": "normative",
        "form": "decision",
        "number": "12/2023/QĐ-UBND",
        "issue_date": "14/04/2023",
        "issuer": issuer.pk,
        "signer": "",
        "subject": "Quy định quản lý nhiệm vụ khoa học và công nghệ",
        "area": "science",
        "effective_date": "25/04/2023",
        "expired_on": "",
        "drafted_by_department": "on",
        "is_public": "on",
        "note": "",
        "relations_out-TOTAL_FORMS": "0",
        "relations_out-INITIAL_FORMS": "0",
        "relations_out-MIN_NUM_FORMS": "0",
        "relations_out-MAX_NUM_FORMS": "1000",
        **empty_inline(),
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("persona", ["science_officer", "department_leader", "finance_officer", "provincial_leader"])
def test_staff_open_the_library(client, request, persona, build):
    doc = build.doc("1/KH-UBND")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(reverse("admin:legaldocs_legaldocument_change", args=[doc.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["finance_officer", "technology_officer", "provincial_leader"])
def test_other_staff_read_but_cannot_add(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(ADD).status_code == 403


def test_the_science_officer_adds_a_document_with_history(client, science_officer, ubnd):
    client.force_login(science_officer)
    response = client.post(ADD, form_data(ubnd))
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = LegalDocument.objects.get()
    assert doc.drafted_by_department and "khoa hoc" in doc.search_text
    assert doc.history.first().history_user == science_officer


def test_a_duplicate_number_shows_on_the_form_and_nothing_is_saved(client, science_officer, build, ubnd):
    build.doc("12/2023/QĐ-UBND")
    client.force_login(science_officer)
    response = client.post(ADD, form_data(ubnd))
    assert response.status_code == 200
    assert "Cơ quan này đã có văn bản" in response.content.decode()
    assert LegalDocument.objects.count() == 1


def test_dates_in_the_wrong_order_show_on_the_form(client, science_officer, ubnd):
    client.force_login(science_officer)
    response = client.post(ADD, form_data(ubnd, effective_date="01/04/2023"))
    assert response.status_code == 200
    assert "không được trước ngày ban hành" in response.content.decode()
    assert not LegalDocument.objects.exists()


def test_a_replacement_entered_in_the_inline_ends_the_old_documents_force(client, science_officer, build, ubnd):
    old = build.doc("1/2020/QĐ-UBND", issue_date=dt.date(2020, 1, 1))
    client.force_login(science_officer)
    data = form_data(
        ubnd,
        **{
            "relations_out-TOTAL_FORMS": "1",
            "relations_out-0-kind": "replaces",
            "relations_out-0-target": str(old.pk),
            "relations_out-0-note": "",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    relation = LegalDocumentRelation.objects.get()
    assert relation.target == old
    old.refresh_from_db()
    assert old.expired and old.expired_on == dt.date(2023, 4, 25)


def test_a_newer_target_in_the_inline_is_refused(client, science_officer, build, ubnd):
    newer = build.doc("1/2024/QĐ-UBND", issue_date=dt.date(2024, 1, 1))
    client.force_login(science_officer)
    data = form_data(
        ubnd,
        **{
            "relations_out-TOTAL_FORMS": "1",
            "relations_out-0-kind": "amends",
            "relations_out-0-target": str(newer.pk),
            "relations_out-0-note": "",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "ban hành trước" in response.content.decode()
    assert LegalDocument.objects.count() == 1


def test_the_back_office_search_folds_diacritics(client, science_officer, build):
    build.doc("04/2011/QH13", "Luật Đo lường")
    build.doc("29/2013/QH13", "Luật Khoa học và công nghệ")
    client.force_login(science_officer)
    body = client.get(CHANGELIST, {"q": "do luong"}).content.decode()
    assert "04/2011/QH13" in body and "29/2013/QH13" not in body


def test_the_changelist_costs_the_same_for_few_or_many(client, science_officer, build, django_assert_num_queries):
    build.doc("1/KH-UBND")
    client.force_login(science_officer)
    client.get(CHANGELIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for n in range(2, 25):
        build.doc(f"{n}/KH-UBND")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)
