"""/health/: 200 when the database and storage work, 503 when either fails, "degraded" for a stuck queue."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from khcn.core import health

pytestmark = pytest.mark.django_db
URL = "/health/"


def _task(status: str, *, enqueued_minutes_ago: int = 0, finished_minutes_ago: int | None = None, run_after=None):
    now = timezone.now()
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="khcn.core.jobs.send_email",
        backend_name="default",
        queue_name="default",
        run_after=run_after or get_date_max(),
        finished_at=None if finished_minutes_ago is None else now - dt.timedelta(minutes=finished_minutes_ago),
    )
    # enqueued_at is auto_now_add: set the past afterwards.
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - dt.timedelta(minutes=enqueued_minutes_ago))
    return row


def test_all_well_is_200_for_anyone_and_says_nothing_sensitive(client, settings):
    assert reverse("health") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "storage": {"status": "ok"},
            "queue": {"status": "ok", "stale": 0, "failed_recently": 0},
        },
    }
    body = response.content.decode()
    assert str(settings.MEDIA_ROOT) not in body and "sqlite" not in body.lower()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert list(settings.MEDIA_ROOT.glob(".health-*")) == []


def test_only_get(client):
    assert client.post(URL).status_code == 405


def test_database_down_is_503(client):
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = DatabaseError("connection refused to db.internal:5432")
    with mock.patch.object(health.connection, "cursor", return_value=broken):
        response = client.get(URL)
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "down"
    assert data["checks"]["database"] == {"status": "down"}
    assert data["checks"]["queue"] == {"status": "down"}
    assert "db.internal" not in response.content.decode()


def test_storage_not_writable_is_503(client, settings, tmp_path):
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker / "media"  # under a file: nothing can be written there
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"status": "down"}
    assert "khong-phai" not in response.content.decode()


def test_a_new_installation_without_uploads_is_healthy(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "chua-co"  # no upload yet: the folder does not exist
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == {"status": "ok"}
    assert (tmp_path / "chua-co").is_dir()


def test_storage_write_error_is_503(client):
    with mock.patch.object(health.tempfile, "NamedTemporaryFile", side_effect=OSError(28, "No space left on device")):
        response = client.get(URL)
    assert response.status_code == 503 and response.json()["status"] == "down"


def test_a_stuck_queue_is_degraded_but_200(client, settings):
    settings.HEALTH_QUEUE_STALE_MINUTES = 15
    _task(TaskResultStatus.READY, enqueued_minutes_ago=30)
    _task(TaskResultStatus.READY, enqueued_minutes_ago=1)  # just queued: fine
    # Scheduled for later: waiting is what it should do.
    _task(TaskResultStatus.READY, enqueued_minutes_ago=30, run_after=timezone.now() + dt.timedelta(hours=1))
    _task(TaskResultStatus.SUCCESSFUL, enqueued_minutes_ago=60, finished_minutes_ago=50)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["queue"] == {"status": "degraded", "stale": 1, "failed_recently": 0}


def test_recent_failures_are_degraded_old_ones_forgotten(client, settings):
    settings.HEALTH_FAILED_WINDOW_MINUTES = 60
    _task(TaskResultStatus.FAILED, enqueued_minutes_ago=200, finished_minutes_ago=120)
    assert client.get(URL).json()["checks"]["queue"]["status"] == "ok"
    _task(TaskResultStatus.FAILED, enqueued_minutes_ago=20, finished_minutes_ago=10)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == {"status": "degraded", "stale": 0, "failed_recently": 1}


def test_a_broken_queue_check_is_degraded_not_down(client):
    with mock.patch("django_tasks_db.models.DBTaskResult.objects.filter", side_effect=DatabaseError("no table")):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == {"status": "degraded"}


def test_the_check_is_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(URL)
