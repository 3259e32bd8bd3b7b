"""Background exports: queued by an allowed user, progress recorded, file for its owner only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from khcn.accounts import roles
from khcn.core import exports
from khcn.core.models import ExportJob
from khcn.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_exports():
    seen: list[int] = []

    def run(params, progress):
        for step in (10, 50, 90):
            progress(step, f"bước {step}")
            seen.append(ExportJob.objects.get().progress)
        return f"thu-{params['year']}.txt", "text/plain", f"năm {params['year']}".encode()

    def broken(params, progress):
        raise RuntimeError("boom")

    exports.register(exports.Export("testing.sample", lambda p: f"Tệp thử {p.get('year')}", lambda u: u.is_staff, run))
    exports.register(exports.Export("testing.broken", lambda p: "Tệp hỏng", lambda u: u.is_staff, broken))
    yield seen
    exports._EXPORTS.pop("testing.sample", None)
    exports._EXPORTS.pop("testing.broken", None)


def test_staff_queue_an_export_follow_its_progress_and_download_it(
    client, sample_exports, django_capture_on_commit_callbacks
):
    officer = make_user("qlkh_export", roles.SCIENCE_OFFICER)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:export-start", args=["testing.sample"]), {"year": "2023"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export-detail", args=[job.pk])
    assert sample_exports == [10, 50, 90]  # progress was written while it ran
    assert (job.status, job.progress, job.label) == ("done", 100, "Tệp thử 2023")
    page = client.get(reverse("core:export-detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "export-download" in page.content.decode() and "hx-trigger" not in page.content.decode()
    download = client.get(reverse("core:export-download", args=[job.pk]))
    assert b"".join(download.streaming_content) == "năm 2023".encode()


def test_others_cannot_see_or_start(client, sample_exports, django_capture_on_commit_callbacks):
    owner = make_user("owner_export", roles.SCIENCE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(name="testing.sample", params={"year": "2022"}, by=owner)
    client.force_login(make_user("other_export", roles.SCIENCE_OFFICER))
    assert client.get(reverse("core:export-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:export-download", args=[job.pk])).status_code == 404
    client.force_login(make_user("host_export", roles.HOST_USER))
    assert client.post(reverse("core:export-start", args=["testing.sample"]), {"year": "2023"}).status_code == 403
    assert client.post(reverse("core:export-start", args=["no.such"]), {}).status_code == 404
    assert ExportJob.objects.count() == 1


def test_a_failed_export_says_so_and_leaves_no_file(client, sample_exports, django_capture_on_commit_callbacks):
    officer = make_user("qlkh_broken", roles.SCIENCE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(name="testing.broken", params={}, by=officer)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file and "Không tạo được tệp" in job.message
    client.force_login(officer)
    assert client.get(reverse("core:export-download", args=[job.pk])).status_code == 404


def test_old_exports_are_cleaned_up(sample_exports, django_capture_on_commit_callbacks):
    officer = make_user("qlkh_old", roles.SCIENCE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(name="testing.sample", params={"year": "2021"}, by=officer)
    job.refresh_from_db()
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    call_command("cleanup_exports")
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)
