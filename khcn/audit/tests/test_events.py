"""Each security event lands in the audit log, with who, from where and what (ASVS 16.2, 16.3)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from khcn.audit import services
from khcn.audit.models import AuditEvent
from khcn.audit.selectors import chain_verify
from khcn.core import datasets, exports
from khcn.core.logs import _request
from khcn.core.models import ExportJob, ImportBatch
from khcn.testing import PASSWORD, make_user

Event = AuditEvent.Event
pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (KHCN test)", "REMOTE_ADDR": "203.0.113.7"}


def _login(client, username, password=PASSWORD):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, **BROWSER)


def test_login_and_logout_are_recorded_with_user_address_and_browser(client, science_officer, events):
    _login(client, "science_officer")
    client.post(reverse("portal:logout"), **BROWSER)
    login, logout = events(Event.LOGIN)[0], events(Event.LOGOUT)[0]
    for row in (login, logout):
        assert row.actor == science_officer
        assert row.actor_username == "science_officer"
        assert row.ip == "203.0.113.7"
        assert row.user_agent == "Mozilla/5.0 (KHCN test)"
        assert row.at.utcoffset().total_seconds() == 0
    assert login.id < logout.id


def test_a_failed_login_keeps_the_name_tried_and_never_the_password(client, science_officer, events):
    _login(client, "science_officer", "sai-mat-khau")
    (row,) = events(Event.LOGIN_FAILED)
    assert row.actor is None
    assert row.actor_username == "science_officer"
    assert row.ip == "203.0.113.7"
    assert "sai-mat-khau" not in json.dumps(row.details) and not events(Event.LOGIN)


def test_a_lockout_is_recorded(client, settings, science_officer, events):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, "science_officer", "sai-mat-khau")
    assert _login(client, "science_officer").status_code == 429
    assert events(Event.LOCKED_OUT)[0].actor_username == "science_officer"
    assert not events(Event.LOGIN)


def test_a_hostile_user_agent_does_not_break_the_login(client, science_officer, events):
    client.post(
        reverse("portal:login"),
        {"username": "science_officer", "password": PASSWORD},
        HTTP_USER_AGENT="x\x00" + "y" * 1000,
    )
    (row,) = events(Event.LOGIN)
    assert row.user_agent == "x" + "y" * 299


def test_a_403_in_the_back_office_is_recorded(client, radiation_officer, events):
    client.force_login(radiation_officer)
    response = client.get(reverse("admin:quality_conformityannouncement_add"), **BROWSER)
    assert response.status_code == 403
    (row,) = events(Event.DENIED)
    assert row.actor == radiation_officer
    assert row.details == {
        "method": "GET",
        "path": reverse("admin:quality_conformityannouncement_add"),
        "view": "admin:quality_conformityannouncement_add",
    }


def test_permission_denied_raised_by_a_view_is_recorded(client, outsider, events, settings):
    # export_start raises PermissionDenied for a user the export does not allow.
    client.force_login(outsider)
    response = client.post(reverse("core:export-start", args=["reports.annual_xlsx"]), {"year": "2025"})
    assert response.status_code == 403
    (row,) = events(Event.DENIED)
    assert row.actor_username == "outsider" and row.details["method"] == "POST"


def test_pages_that_are_allowed_write_nothing(client, science_officer, events):
    client.force_login(science_officer)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get("/").status_code == 200
    assert [row.event for row in events()] == [Event.LOGIN]  # force_login logs in too


PERSON_HEADERS = ["Họ và tên", "Học hàm", "Học vị", "Chức vụ", "Cơ quan", "Thư điện tử", "Điện thoại", "Năm sinh"]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PERSON_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_an_import_records_dataset_file_hash_and_result(science_officer, events):
    data = _csv([["Nguyễn Văn An", "", "", "", "", "", "", ""]])
    result = datasets.run_import("people", "nha-khoa-hoc.csv", data, user=science_officer)
    (row,) = events(Event.IMPORT)
    assert row.actor == science_officer
    assert row.object_type.model == "importbatch" and row.object_id == str(result.batch.pk)
    assert row.details["dataset"] == "people"
    assert row.details["sha256"] == ImportBatch.checksum(data)
    assert row.details["status"] == result.batch.status
    assert row.details["rows"] == 1


def test_a_refused_and_a_dry_run_import_are_recorded_too(science_officer, events):
    datasets.run_import("people", "hong.csv", b"", user=science_officer)
    datasets.run_import("people", "thu.csv", _csv([["Trần Thị Bình"] + [""] * 7]), user=science_officer, dry_run=True)
    datasets.record_rejected("people", "lon.csv", sha256="ab" * 32, size=10**9, user=science_officer, message="quá lớn")
    statuses = [r.details["status"] for r in events(Event.IMPORT)]
    assert statuses == [ImportBatch.Status.FAILED, ImportBatch.Status.DRY_RUN, ImportBatch.Status.FAILED]


def test_a_back_office_export_of_people_records_who_and_how_many_rows(client, science_officer, events):
    datasets.run_import("people", "a.csv", _csv([["Nguyễn Văn An"] + [""] * 7, ["Lê Văn Cường"] + [""] * 7]))
    client.force_login(science_officer)
    response = client.get(reverse("admin:directory_person_tabular_export_csv"), **BROWSER)
    assert response.status_code == 200
    (row,) = events(Event.EXPORT)
    assert row.actor == science_officer and row.ip == "203.0.113.7"
    assert row.details == {"dataset": "people", "format": "csv", "rows": 2}


def test_an_export_from_the_command_line_has_no_actor(events, tmp_path):
    datasets.run_export("people")
    (row,) = events(Event.EXPORT)
    assert row.actor is None and row.ip is None and row.details["rows"] == 0


def test_public_csv_and_json_downloads_are_recorded(client, events):
    assert client.get(reverse("public:export", args=["nha-khoa-hoc", "csv"])).status_code == 200
    response = client.get(reverse("public:export", args=["nha-khoa-hoc", "json"]))
    assert json.loads(b"".join(response.streaming_content)) == []
    csv_row, json_row = events(Event.EXPORT)
    assert csv_row.details == {"dataset": "public.nha-khoa-hoc", "format": "csv", "rows": 0}
    assert json_row.details == {"dataset": "public.nha-khoa-hoc", "format": "json", "rows": 0, "complete": True}
    assert csv_row.actor is None and csv_row.ip == "127.0.0.1"


def test_a_background_export_is_recorded_for_the_user_who_asked(django_capture_on_commit_callbacks, events):
    officer = make_user("nguoi_xuat", "science_officer")

    def run(params, progress):
        return "tep.txt", "text/plain", b"noi dung"

    exports.register(exports.Export("testing.audit", lambda p: "Tệp thử", lambda u: True, run))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = exports.export_start(name="testing.audit", params={}, by=officer)
    finally:
        exports._EXPORTS.pop("testing.audit", None)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    (row,) = events(Event.EXPORT)
    assert row.actor == officer and row.object_id == str(job.pk)
    assert row.details == {"dataset": "testing.audit", "format": "text/plain", "size": 8}


def test_the_request_being_served_supplies_who_and_where(science_officer, events):
    request = RequestFactory().get("/", HTTP_USER_AGENT="ua", REMOTE_ADDR="2001:DB8::1")
    request.user = science_officer
    token = _request.set(request)
    try:
        services.event_record(event=Event.EXPORT, details={"n": 1.5, "when": None})
    finally:
        _request.reset(token)
    (row,) = events()
    assert (row.actor, row.ip, row.user_agent) == (science_officer, "2001:db8::1", "ua")
    # Floats are kept as text so that the hash can be recomputed from what the database returns.
    assert row.details == {"n": "1.5", "when": None}
    assert chain_verify().ok
