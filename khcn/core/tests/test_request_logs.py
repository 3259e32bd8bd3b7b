"""Request logs: one line per request with its id, user, path, status and duration; JSON on demand."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from khcn.core.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def test_each_request_gets_an_id_and_one_log_line(client, caplog, science_officer):
    client.force_login(science_officer)
    with caplog.at_level(logging.INFO, logger="khcn.request"):
        response = client.get(reverse("admin:index") + "?q=Nguyễn")
    (record,) = [r for r in caplog.records if r.name == "khcn.request"]
    assert len(response["X-Request-ID"]) == 32
    assert record.path == reverse("admin:index")  # the query string may hold personal data: left out
    assert record.status == 200 and record.method == "GET"
    assert record.user_id == science_officer.pk
    assert isinstance(record.duration_ms, int)
    assert "Nguy" not in record.getMessage()


def test_the_proxy_request_id_is_kept_but_junk_is_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="nginx-abc123def456")["X-Request-ID"] == "nginx-abc123def456"
    replaced = client.get("/", HTTP_X_REQUEST_ID="x\n{forged} log line")["X-Request-ID"]
    assert "forged" not in replaced and len(replaced) == 32


def test_an_anonymous_request_is_logged_without_a_user(client, caplog):
    with caplog.at_level(logging.INFO, logger="khcn.request"):
        client.get("/health/")
    (record,) = [r for r in caplog.records if r.name == "khcn.request"]
    assert record.user_id is None


def _format(record: logging.LogRecord) -> dict:
    RequestContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_lines_carry_utc_time_context_and_extras():
    record = logging.LogRecord("khcn.request", logging.INFO, __file__, 1, "GET %s %s", ("/", 200), None)
    record.status = 200
    line = _format(record)
    assert line["message"] == "GET / 200"
    assert line["level"] == "INFO" and line["logger"] == "khcn.request"
    assert line["time"].endswith("+00:00")
    assert line["request_id"] == "-" and line["user_id"] is None
    assert line["status"] == 200


def test_json_lines_include_the_traceback():
    try:
        raise ValueError("hỏng")
    except ValueError:
        import sys

        record = logging.LogRecord("khcn", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = _format(record)
    assert "ValueError: hỏng" in line["exc"]


def test_json_is_chosen_by_the_environment(monkeypatch):
    import importlib

    import khcn.settings as settings_module

    monkeypatch.setenv("KHCN_LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
    finally:
        monkeypatch.delenv("KHCN_LOG_FORMAT")
        importlib.reload(settings_module)
    assert settings_module.LOGGING["handlers"]["console"]["formatter"] == "plain"
