"""The report pages: who may open them, the drill-down behind a figure, and the files."""

from __future__ import annotations

import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from khcn.lib.documents import docx_text
from khcn.reports.tests.helpers import two_years_of_documents

pytestmark = pytest.mark.django_db
URL = "/bao-cao/nam/2023/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["host_user", "council_member", "outsider"])
def test_host_users_and_council_members_may_not_open_reports(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get("/bao-cao/chi-tiet/legaldocs.normative/").status_code == 403
    assert client.get(URL + "docx/").status_code == 403


@pytest.mark.parametrize("persona", ["provincial_leader", "science_officer", "department_leader"])
def test_staff_and_provincial_leaders_open_the_report(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["report"].figure("legaldocs.normative").value == 0


def test_each_figure_links_to_exactly_its_records(
    client, provincial_leader, science_officer, issuer_in_khoai_chau, new_hung_yen
):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)
    client.force_login(provincial_leader)

    page = client.get(URL, {"area": new_hung_yen.pk}).content.decode()
    link = f"/bao-cao/chi-tiet/legaldocs.directive/?tu=01/01/2023&amp;den=31/12/2023&amp;area={new_hung_yen.pk}"
    assert link in page

    response = client.get(
        "/bao-cao/chi-tiet/legaldocs.directive/", {"tu": "01/01/2023", "den": "31/12/2023", "area": new_hung_yen.pk}
    )
    assert response.status_code == 200
    assert response.context["value"] == response.context["record_count"] == 3
    texts = [row["text"] for row in response.context["rows"]]
    assert len(texts) == 3 and all("KH-UBND" in t for t in texts)
    assert all(row["admin_url"].startswith("/quan-tri/legaldocs/") for row in response.context["rows"])


def test_unknown_metric_drill_down_is_404(client, provincial_leader):
    client.force_login(provincial_leader)
    assert client.get("/bao-cao/chi-tiet/nothing.registered/").status_code == 404


def test_docx_and_xlsx_open_and_contain_the_figures(client, science_officer, issuer_in_khoai_chau):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)
    client.force_login(science_officer)

    docx = client.get(URL + "docx/")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "BÁO CÁO" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ban hành 02 văn bản quy phạm pháp luật; 03 văn bản chỉ đạo điều hành" in text
    assert "legaldocs.normative" in text  # the annex table

    xlsx = client.get(URL + "xlsx/")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["legaldocs.normative"][4] == 2
    assert rows["legaldocs.normative"][5] == 1
    assert rows["legaldocs.directive"][4] == 3


def test_command_prints_every_figure_as_json(science_officer, issuer_in_khoai_chau, new_hung_yen, tmp_path):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)
    out = StringIO()
    call_command("annual_report", "--year", "2023", "--province", "33", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    figures = {(f["section"], f["key"]): f for f in data["figures"]}
    assert figures[("legaldocs", "legaldocs.normative")]["value"] == 2
    assert all({"key", "label", "value"} <= set(f) for f in data["figures"])

    target = tmp_path / "r.docx"
    call_command("annual_report", "--year", "2023", "--format", "docx", "--output", str(target), stdout=StringIO())
    assert "02 văn bản quy phạm pháp luật" in docx_text(target.read_bytes())
    target = tmp_path / "r.xlsx"
    call_command("annual_report", "--year", "2023", "--format", "xlsx", "--output", str(target), stdout=StringIO())
    assert load_workbook(target).active.max_row > 10


def test_dashboard_draws_svg_bar_charts_without_scripts(
    client, provincial_leader, science_officer, issuer_in_khoai_chau
):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)
    client.force_login(provincial_leader)

    response = client.get(URL + "bieu-do/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") >= 1
    assert "Văn bản quy phạm pháp luật do Sở tham mưu ban hành" in page
    assert "/bao-cao/chi-tiet/legaldocs.normative/?tu=01/01/2023" in page
    # Nothing loads from another host. (Not `"cdn" not in page.lower()`: the random CSP nonce
    # sometimes holds those letters.)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_host_user_may_not_open_the_dashboard(client, host_user):
    client.force_login(host_user)
    assert client.get(URL + "bieu-do/").status_code == 403
