"""Inspection journey in a real browser: an inspector logs in, records a check (kiểm tra) with the
establishment it covered in the back office, records a sanction against that establishment, and
finds both on the establishment's page. The establishment is invented (demo-realism.md)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation
from khcn.registries.inspections.models import Inspection, Sanction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ESTABLISHMENT = "Cửa hàng xăng dầu Giả định Ánh Dương 01"


def seed_authority_rules() -> None:
    # Transactional tests empty the database between tests, data migrations included: put the
    # authority rules back exactly as the migration seeds them.
    migration = importlib.import_module("khcn.registries.inspections.migrations.0002_authority_rules")
    migration.seed(apps, None)


def choose(page, select_id: str, text: str) -> None:
    """Pick `text` in a Django autocomplete (select2) widget: open it, type, click the result."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_inspector_records_a_check_with_a_sanction_and_the_establishment_page_shows_it(live_server, page, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    seed_authority_rules()
    testing.make_user("kiemtra", roles.INSPECTOR)
    establishment = Organisation.objects.create(name=ESTABLISHMENT, kind=Organisation.Kind.HOUSEHOLD_BUSINESS)

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "kiemtra")
    page.fill("input[name=password]", testing.PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"/quan-tri/$"))

    # A check of 2023 with the establishment it covered.
    page.goto(f"{live_server.url}/quan-tri/inspections/inspection/add/")
    page.select_option("select[name=kind]", "check")
    page.fill("textarea[name=subject]", "Kiểm tra đo lường, chất lượng xăng dầu")
    page.fill("input[name=start_date]", "06/03/2023")
    page.fill("input[name=end_date]", "28/04/2023")
    choose(page, "id_coverage-0-organisation", "Ánh Dương")
    page.select_option("select[name=coverage-0-outcome]", "violation")
    page.fill("input[name=coverage-0-minutes_number]", "07/BB-KT")
    page.click("button[name=_save]")
    page.wait_for_url(re.compile(r"/quan-tri/inspections/inspection/$"))
    inspection = Inspection.objects.get()
    assert inspection.code == "KT-2023-01" and list(inspection.establishments.all()) == [establishment]

    # A sanction: the campaign comes prefilled from its page's link; the establishment is chosen.
    page.goto(f"{live_server.url}/quan-tri/inspections/sanction/add/?inspection={inspection.pk}")
    choose(page, "id_organisation", "Ánh Dương")
    page.fill("input[name=decision_number]", "05/QĐ-XPHC")
    page.fill("input[name=decision_date]", "20/03/2023")
    page.fill("textarea[name=violation]", "Sử dụng cột đo xăng dầu có chứng chỉ kiểm định hết hiệu lực")
    page.fill("input[name=legal_ground]", "NĐ 119/2017/NĐ-CP, sửa đổi bởi NĐ 126/2021/NĐ-CP")
    page.fill("input[name=amount]", "2500000")
    page.fill("input[name=payment_due]", "03/04/2023")
    page.click("button[name=_save]")
    page.wait_for_url(re.compile(r"/quan-tri/inspections/sanction/$"))
    sanction = Sanction.objects.get()
    assert sanction.amount == 2_500_000 and sanction.organisation == establishment

    # The establishment's page shows the check and the sanction.
    page.goto(f"{live_server.url}/so-dang-ky/thanh-tra-kiem-tra/co-so/{establishment.pk}/")
    campaigns = page.inner_text("#campaigns")
    assert "KT-2023-01" in campaigns and "Có vi phạm" in campaigns and "07/BB-KT" in campaigns
    sanctions = page.inner_text("#sanctions")
    assert "05/QĐ-XPHC" in sanctions and "2.500.000 đ" in sanctions and "Chưa nộp phạt" in sanctions
    assert "NĐ 119/2017/NĐ-CP" in sanctions
    assert "2.500.000 đ" in page.inner_text("#establishment")
