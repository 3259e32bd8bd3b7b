"""The report's files as background exports (core.exports)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.accounts import roles
from khcn.core.models import ExportJob
from khcn.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_annual_report_runs_in_the_background(client, django_capture_on_commit_callbacks):
    client.force_login(make_user("qlkh_annual", roles.SCIENCE_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:export-start", args=["reports.annual_xlsx"]), {"year": "2023"})
    job = ExportJob.objects.get()
    assert job.status == "done", job.message
    assert job.file_name == "so-lieu-khcn-2023.xlsx" and job.file.size > 0


def test_the_annual_page_offers_background_exports(client):
    client.force_login(make_user("qlkh_page", roles.SCIENCE_OFFICER))
    html = client.get(reverse("reports:annual", args=[2023])).content.decode()
    assert reverse("core:export-start", args=["reports.statistics_xlsx"]) in html
