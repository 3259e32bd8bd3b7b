"""The Ministry statistics forms: regime by period, figures from records, XLSX, access."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from khcn.accounts import roles
from khcn.core import metrics
from khcn.core.metrics import Metric, Period
from khcn.directory.models import Organisation
from khcn.reports import statistics
from khcn.reports.models import StatisticsForm, StatisticsLine, StatisticsRegime
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

KEY = "testing.organisations_created"


@pytest.fixture
def organisations_metric():
    metric = Metric(
        key=KEY,
        label="Tổ chức được ghi nhận",
        section="testing",
        queryset=lambda period, units: Organisation.objects.filter(
            created_at__date__gte=period.start, created_at__date__lt=period.end
        ),
        unit="tổ chức",
    )
    metrics.register(metric)
    yield metric
    metrics._METRICS.pop(KEY, None)


def test_the_regime_is_the_one_in_force_on_the_periods_last_day():
    assert statistics.regime_for(Period.year(2023)).code == "TT15-2018"
    assert statistics.regime_for(Period.year(2025)).code == "TT15-2018"
    assert statistics.regime_for(Period.year(2026)).code == "TT45-2025"
    assert statistics.regime_for(Period.year(2010)) is None


def test_the_seeded_forms_cover_the_departments_fields():
    codes = list(StatisticsForm.objects.filter(regime__code="TT15-2018").values_list("code", flat=True))
    assert codes == ["04/KHCN-NV", "06/KHCN-CG", "08/KHCN-SHTT", "09/KHCN-TDC", "10/KHCN-NLAT"]
    # Every line of a form names a metric or is a heading; none carries a typed number.
    assert not StatisticsLine.objects.filter(metric_key__regex=r"^\d").exists()


def test_figures_are_computed_from_records_and_unknown_keys_say_not_recorded(organisations_metric):
    regime = StatisticsRegime.objects.create(code="TEST", name="Chế độ thử", valid_from=dt.date(2000, 1, 1))
    form = StatisticsForm.objects.create(regime=regime, code="01/TEST", title="Biểu thử")
    StatisticsLine.objects.create(form=form, order=1, number="", label="Phần I")
    StatisticsLine.objects.create(form=form, order=2, number="1", label="Tổ chức", metric_key=KEY, unit="tổ chức")
    StatisticsLine.objects.create(form=form, order=3, number="2", label="Chưa có", metric_key="nowhere.nothing")
    make_organisation("Trung tâm thử một")
    make_organisation("Trung tâm thử hai")
    year = dt.date.today().year
    stats = statistics.build_statistics(Period.year(year), regime=regime)
    heading, counted, unknown = stats.forms[0].lines
    assert heading.figure is None
    assert counted.figure.value == Organisation.objects.filter(created_at__year=year).count() >= 2
    assert counted.figure.previous == 0
    assert unknown.figure.value is None and unknown.text == "chưa ghi nhận"

    workbook = load_workbook(io.BytesIO(statistics.statistics_xlsx(stats, reporter="Sở KH&CN thử")))
    sheet = workbook["01-TEST"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["1", "Tổ chức", "tổ chức", counted.figure.value, 0, KEY] in [list(r[:6]) for r in rows]
    assert any(r[3] == "chưa ghi nhận" for r in rows if r and len(r) > 3)


def test_the_pages_are_for_staff_only(client):
    url = reverse("reports:statistics", args=[2023])
    assert client.get(url).status_code == 302
    client.force_login(make_user("host_stats", roles.HOST_USER))
    assert client.get(url).status_code == 403
    client.force_login(make_user("lanhdao_stats", roles.PROVINCIAL_LEADER))
    response = client.get(url)
    assert response.status_code == 200
    assert "04/KHCN-NV" in response.content.decode()
    response = client.get(reverse("reports:statistics-xlsx", args=[2023]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "04-KHCN-NV"


def test_every_seeded_line_names_a_metric_that_exists():
    from khcn.reports import services

    keys = set(StatisticsLine.objects.exclude(metric_key="").values_list("metric_key", flat=True))
    assert keys and {key for key in keys if services.resolve(key) is None} == set()
