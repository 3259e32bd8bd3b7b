"""Radiation survey journey in a real browser: a radiation officer imports a small survey file in
the back office and finds its points on the offline map, the hot spot ringed and listed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.registries.radiation import services
from khcn.registries.radiation.models import MeasurementPoint, Survey
from khcn.registries.radiation.tests.conftest import csv_bytes, point_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOT_SPOT = "HY-T-006"


def test_radiation_officer_imports_a_survey_and_sees_the_hot_spot_on_the_map(live_server, page, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    # The flagging rule is seeded by a migration; in a full run an earlier transactional test may
    # have emptied the table, so seed it again (idempotent) rather than depend on test order.
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("khcn.registries.radiation.migrations.0002_rules").seed(django_apps, None)
    officer = testing.make_user("radiation_officer", roles.RADIATION_OFFICER)
    survey = services.survey_save(
        survey=Survey(code="HY-TEST", name="Đợt đo thử ven sông Hồng", start_date=dt.date(2023, 4, 1)), by=officer
    )
    rows = [
        point_row("HY-T-001", lat="20.652", lon="106.052", value="0.088"),
        point_row("HY-T-002", lat="20.700", lon="106.060", value="0.095"),
        point_row("HY-T-003", lat="20.800", lon="106.020", value="92", unit="nSv/h"),
        point_row("HY-T-004", lat="20.900", lon="106.050", value="0.101"),
        point_row("HY-T-005", lat="20.930", lon="106.070", value="0.110"),
        point_row(HOT_SPOT, lat="20.750", lon="106.040", value="0.520", note="Bãi xỉ cũ"),
    ]

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "radiation_officer")
    page.fill("input[name=password]", testing.PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"/quan-tri/$"))

    # The back office's import page for survey points: the file names its survey by code.
    page.goto(f"{live_server.url}/quan-tri/radiation/measurementpoint/nhap-du-lieu/")
    page.set_input_files(
        "input[name=file]", files=[{"name": "diem-do.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url(re.compile(r"/quan-tri/radiation/measurementpoint/$"))
    assert "Đã nhập diem-do.csv: 6 dòng, 6 tạo mới, 0 cập nhật." in page.inner_text("body")
    assert MeasurementPoint.objects.filter(survey=survey).count() == 6

    # From the survey's page to its map: every point drawn, the hot spot ringed and listed.
    page.goto(f"{live_server.url}/quan-tri/radiation/survey/{survey.pk}/change/")
    page.get_by_role("link", name="Xem bản đồ").first.click()
    page.wait_for_url(re.compile(rf"/so-dang-ky/buc-xa/quan-trac/{survey.pk}/ban-do/$"))
    assert page.locator("svg.survey-map g.pts circle").count() == 6
    marker = page.locator(f"svg.survey-map g.flag[data-code='{HOT_SPOT}']")
    assert marker.count() == 1 and marker.is_visible()
    assert page.locator("svg.survey-map g.flag").count() == 1
    ring_stroke = marker.locator("circle").evaluate("el => getComputedStyle(el).stroke")
    assert ring_stroke in ("rgb(0, 0, 0)", "#000")
    row = page.locator(f"#flagged tr[data-code='{HOT_SPOT}']")
    assert row.is_visible()
    assert "520,0" in row.inner_text() or "520.0" in row.inner_text()
    assert "vượt ngưỡng 300 nSv/h" in row.inner_text()
    # The hot spot's dot sits in the top colour class of the legend.
    assert page.locator("svg.survey-map g.b6 circle").count() == 1
