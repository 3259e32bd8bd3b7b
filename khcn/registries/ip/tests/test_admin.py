"""The IP back office: who may open and change what, marks entered inline through the services,
forms that refuse with the rules' messages, lists that cost the same whatever their length."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.directory.models import Organisation, Person
from khcn.registries.ip import services
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db

MODELS = ("ipsupportcase", "mark", "userightcertificate", "userightvalidityrule")
MARKS = "marks"


def _inline(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def filled(technology_officer, cooperative, certify, mark):
    case = services.support_case_open(
        by=technology_officer,
        year=2023,
        support_amount=5_000_000,
        applicant_organisation=cooperative,
        marks=[mark(filing_number="4-2023-1")],
    )
    return case, certify()


@pytest.mark.parametrize(
    "role_fixture", ["technology_officer", "science_officer", "department_leader", "provincial_leader"]
)
def test_staff_open_every_list_and_record(client, request, filled, role_fixture):
    case, certificate = filled
    client.force_login(request.getfixturevalue(role_fixture))
    for model in MODELS:
        assert client.get(reverse(f"admin:ip_{model}_changelist")).status_code == 200, model
    for model, pk in (
        ("ipsupportcase", case.pk),
        ("mark", case.marks.get().pk),
        ("userightcertificate", certificate.pk),
    ):
        assert client.get(reverse(f"admin:ip_{model}_change", args=[pk])).status_code == 200, model


@pytest.mark.parametrize("role_fixture", ["science_officer", "department_leader", "provincial_leader"])
def test_other_divisions_only_view(client, request, filled, role_fixture):
    _case, certificate = filled
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("admin:ip_userightcertificate_add")).status_code == 403
    assert client.get(reverse("admin:ip_ipsupportcase_add")).status_code == 403
    assert client.get(reverse("admin:ip_userightcertificate_tabular_import")).status_code == 403
    client.post(
        reverse("admin:ip_userightcertificate_changelist"),
        {"action": "archive_selected", "_selected_action": [certificate.pk]},
    )
    certificate.refresh_from_db()
    assert certificate.archived_at is None


def test_host_users_and_outsiders_never_reach_the_registry(client, filled, host_user, outsider):
    for user in (host_user, outsider):
        client.force_login(user)
        for model in MODELS:
            response = client.get(reverse(f"admin:ip_{model}_changelist"), follow=True)
            assert response.request["PATH_INFO"] == reverse("portal:login")


def test_a_case_and_its_marks_are_entered_on_one_page(client, technology_officer, cooperative):
    client.force_login(technology_officer)
    data = {
        "applicant_organisation": cooperative.pk,
        "applicant_person": "",
        "year": 2023,
        "support_amount": 30000000,
        "note": "",
        **empty_inline(),
        **_inline(MARKS, total=2),
        "marks-0-name": "Nhãn lồng A",
        "marks-0-kind": "trademark",
        "marks-0-filing_number": "4-2023-00010",
        "marks-0-filing_date": "01/07/2023",
        "marks-0-status": "filed",
        "marks-1-name": "Hộp quà",
        "marks-1-kind": "industrial_design",
        "marks-1-filing_number": "3-2023-00010",
        "marks-1-filing_date": "02/07/2023",
        "marks-1-status": "filed",
    }
    response = client.post(reverse("admin:ip_ipsupportcase_add"), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    case = IPSupportCase.objects.get()
    assert case.marks.count() == 2
    assert all(m.history.first().history_user == technology_officer for m in case.marks.all())


def test_the_certificate_form_refuses_two_holders_and_a_duplicate_number(client, technology_officer, filled, household):
    _case, certificate = filled
    client.force_login(technology_officer)
    data = {
        "kind": "gi",
        "designation": "",
        "number": certificate.number.lower(),
        "holder_organisation": certificate.holder_organisation_id,
        "holder_person": household.pk,
        "product": "fresh_longan",
        "growing_area": "",
        "issue_date": "01/07/2023",
        "revoked_on": "",
        "revocation_reason": "",
        **empty_inline(),
    }
    response = client.post(reverse("admin:ip_userightcertificate_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã được dùng cho giấy chứng nhận khác" in page and "đúng một chủ thể" in page
    assert UseRightCertificate.objects.count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_rows(technology_officer, n):
    org = Organisation.objects.create(name=f"HTX {n}", kind=Organisation.Kind.COOPERATIVE)
    person = Person.objects.create(full_name=f"Hộ {n}")
    services.support_case_open(
        by=technology_officer,
        year=2023,
        support_amount=n,
        applicant_person=person,
        marks=[
            Mark(name=f"M{n}-{i}", filing_number=f"4-2023-{n}{i}", filing_date=dt.date(2023, 7, 1)) for i in range(2)
        ],
    )
    for i, holder in enumerate(({"holder_organisation": org}, {"holder_person": person})):
        services.certificate_save(
            certificate=UseRightCertificate(kind="gi", number=f"{n}-{i}", issue_date=dt.date(2023, 6, 1), **holder),
            by=technology_officer,
        )
    old = UseRightCertificate.objects.get(number=f"{n}-0")
    services.certificate_renew(certificate=old, number=f"{n}-r", issue_date=dt.date(2024, 6, 1), by=technology_officer)


@pytest.mark.parametrize("model", MODELS)
def test_lists_cost_the_same_for_few_or_many_rows(client, technology_officer, model, django_assert_max_num_queries):
    client.force_login(technology_officer)
    url = reverse(f"admin:ip_{model}_changelist")
    _add_rows(technology_officer, 1)
    few = _queries(client, url)
    for n in range(2, 8):
        _add_rows(technology_officer, n)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_expiring_filter_lists_what_the_reminders_will_name(client, technology_officer, certify):
    certify(number="A", issue_date=dt.date(2021, 12, 1))  # valid until 30/11/2026
    certify(number="B", issue_date=dt.date(2023, 6, 1))
    client.force_login(technology_officer)
    import time_machine

    with time_machine.travel(dt.datetime(2026, 10, 1, 9, 0)):
        page = client.get(reverse("admin:ip_userightcertificate_changelist"), {"hieu_luc": "expiring"}).content.decode()
    assert ">A<" in page and ">B<" not in page


def test_another_division_cannot_change_a_certificate(client, science_officer, filled):
    _case, certificate = filled
    client.force_login(science_officer)
    response = client.post(
        reverse("admin:ip_userightcertificate_change", args=[certificate.pk]),
        {"number": "đổi", "kind": "gi", "loaded_version": certificate.version, **empty_inline()},
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.number == "01/2023/GCN-CDĐL"
