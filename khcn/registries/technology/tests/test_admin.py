"""The technology back office: who may open and change what, forms that refuse with the rules'
messages, lists that cost the same whatever their length, Excel import and export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.councils import services as council_services
from khcn.councils.models import Council
from khcn.directory.models import Organisation
from khcn.registries.technology import services
from khcn.registries.technology.models import (
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    Workshop,
)
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db

MODELS = ("investmentproject", "technologyopinion", "technologytransfercertificate", "workshop", "deadlinerule")


@pytest.fixture
def filled(issue, opinion, technology_officer):
    certificate = issue()
    workshop = services.workshop_save(
        workshop=Workshop(title="Hội thảo thử", date=dt.date(2023, 5, 1), attendee_count=120), by=technology_officer
    )
    return certificate, opinion, workshop


@pytest.mark.parametrize(
    "role_fixture", ["technology_officer", "science_officer", "department_leader", "provincial_leader"]
)
def test_staff_open_every_list_and_record(client, request, filled, role_fixture):
    certificate, opinion, workshop = filled
    client.force_login(request.getfixturevalue(role_fixture))
    for model in MODELS:
        assert client.get(reverse(f"admin:technology_{model}_changelist")).status_code == 200, model
    for model, pk in (
        ("technologytransfercertificate", certificate.pk),
        ("technologyopinion", opinion.pk),
        ("investmentproject", opinion.project_id),
        ("workshop", workshop.pk),
    ):
        assert client.get(reverse(f"admin:technology_{model}_change", args=[pk])).status_code == 200, model


@pytest.mark.parametrize("role_fixture", ["science_officer", "department_leader", "provincial_leader"])
def test_other_divisions_only_view(client, request, filled, role_fixture):
    certificate, _opinion, _workshop = filled
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("admin:technology_technologytransfercertificate_add")).status_code == 403
    response = client.post(
        reverse("admin:technology_technologytransfercertificate_change", args=[certificate.pk]),
        {"number": "đổi", "loaded_version": certificate.version, **empty_inline()},
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:technology_technologytransfercertificate_tabular_import")).status_code == 403
    certificate.refresh_from_db()
    assert certificate.number == "01/GCNĐKCGCN-SKHCN"


def test_host_users_and_outsiders_never_reach_the_registry(client, filled, host_user, outsider, council_member):
    for user in (host_user, outsider, council_member):
        client.force_login(user)
        for model in MODELS:
            response = client.get(reverse(f"admin:technology_{model}_changelist"), follow=True)
            assert response.request["PATH_INFO"] == reverse("portal:login"), (user, model)
    client.logout()
    response = client.get(reverse("admin:technology_technologyopinion_changelist"), follow=True)
    assert response.request["PATH_INFO"] == reverse("portal:login")


def _certificate_form(transferor, transferee, **overrides):
    data = {
        "number": "05/GCNĐK",
        "kind": "new",
        "transferor": transferor.pk,
        "transferor_country": "Nhật Bản",
        "transferee": transferee.pk,
        "technology": "Công nghệ sơn tĩnh điện",
        "form": "contract",
        "contract_number": "HĐ-05",
        "contract_value": "2000000000",
        "contract_signed_on": "10/01/2023",
        "filed_on": "11/04/2023",
        "issue_date": "20/04/2023",
        "signer": "",
        "note": "",
        **empty_inline(),
    }
    data.update(overrides)
    return data


def test_the_form_refuses_a_late_filing_with_the_rules_message(client, technology_officer, transferor, transferee):
    client.force_login(technology_officer)
    url = reverse("admin:technology_technologytransfercertificate_add")
    response = client.post(url, _certificate_form(transferor, transferee))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hồ sơ nộp muộn" in page and "hạn cuối 10/04/2023" in page
    assert not TechnologyTransferCertificate.objects.exists()

    response = client.post(url, _certificate_form(transferor, transferee, filed_on="10/04/2023"))
    assert response.status_code == 302, response.content.decode()[:3000]
    certificate = TechnologyTransferCertificate.objects.get()
    assert certificate.filing_due == dt.date(2023, 4, 10)
    assert certificate.history.first().history_user == technology_officer


def test_the_form_refuses_a_duplicate_number(client, technology_officer, transferor, transferee, issue):
    issue(number="05/GCNĐK")
    client.force_login(technology_officer)
    response = client.post(
        reverse("admin:technology_technologytransfercertificate_add"),
        _certificate_form(transferor, transferee, number="05/gcnđk", filed_on="01/03/2023"),
    )
    assert response.status_code == 200
    assert "đã được dùng cho giấy chứng nhận khác" in response.content.decode()
    assert TechnologyTransferCertificate.objects.count() == 1


def test_an_opinion_is_put_before_an_appraisal_council_from_its_page(client, technology_officer, opinion):
    council = council_services.council_create(
        kind=Council.Kind.TECHNOLOGY_APPRAISAL,
        year=2023,
        name="Hội đồng thẩm định công nghệ số 1",
        by=technology_officer,
    )
    client.force_login(technology_officer)
    url = reverse("admin:technology_technologyopinion_to_council", args=[opinion.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"council": council.pk})
    assert response.status_code == 302
    page = client.get(reverse("admin:technology_technologyopinion_change", args=[opinion.pk])).content.decode()
    assert "Hội đồng thẩm định công nghệ số 1" in page


def test_archiving_from_the_list_keeps_the_record_out_of_the_default_list(client, technology_officer, filled):
    certificate, _opinion, _workshop = filled
    client.force_login(technology_officer)
    url = reverse("admin:technology_technologytransfercertificate_changelist")
    response = client.post(url, {"action": "archive_selected", "_selected_action": [certificate.pk]})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.archived_at is not None
    assert certificate.number not in client.get(url).content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_rows(technology_officer, n):
    investor = Organisation.objects.create(name=f"Nhà đầu tư {n}", kind=Organisation.Kind.ENTERPRISE)
    project = services.project_save(
        project=InvestmentProject(name=f"Dự án {n}", investor=investor), by=technology_officer
    )
    for round_ in range(2):
        services.opinion_save(
            opinion=TechnologyOpinion(
                project=project, stage=f"Lần {round_}", request_date=dt.date(2023, 3, 1 + round_)
            ),
            by=technology_officer,
        )
    services.transfer_certificate_issue(
        number=f"{n}/GCN",
        transferor=investor,
        transferee=investor,
        technology="Công nghệ",
        contract_number=f"HĐ{n}",
        contract_signed_on=dt.date(2023, 1, 1),
        filed_on=dt.date(2023, 2, 1),
        issue_date=dt.date(2023, 3, 1),
        by=technology_officer,
    )
    services.workshop_save(
        workshop=Workshop(title=f"Hội thảo {n}", date=dt.date(2023, 4, 1), attendee_count=50),
        by=technology_officer,
        organisations=[investor],
    )


@pytest.mark.parametrize("model", MODELS)
def test_lists_cost_the_same_for_few_or_many_rows(client, technology_officer, model, django_assert_max_num_queries):
    client.force_login(technology_officer)
    url = reverse(f"admin:technology_{model}_changelist")
    _add_rows(technology_officer, 1)
    few = _queries(client, url)
    for n in range(2, 8):
        _add_rows(technology_officer, n)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_list_exports_to_excel_and_offers_the_import(client, technology_officer, filled):
    client.force_login(technology_officer)
    page = client.get(reverse("admin:technology_technologytransfercertificate_changelist")).content.decode()
    assert "Nhập từ Excel" in page and "Xuất Excel" in page
    response = client.get(reverse("admin:technology_technologytransfercertificate_tabular_export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
