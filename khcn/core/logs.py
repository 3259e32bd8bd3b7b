"""Log records that say which request they belong to, and a JSON formatter for production.

KHCN_LOG_FORMAT=json makes every line one JSON object (time in UTC, level, logger, message,
request id, user id and the record's extra fields) for a log shipper to read; the default stays a
plain line a developer can read. The request is kept in a context variable by
`khcn.core.middleware.RequestLogMiddleware`, so code deep in a service can log, or audit, without
being handed the request.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar
from typing import Any

from django.utils.functional import empty

_request: ContextVar[Any] = ContextVar("khcn_request", default=None)

# Attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def current_request() -> Any:
    """The request being served on this thread or task, or None (commands, the job worker)."""
    return _request.get()


def request_user_id(request: Any) -> int | None:
    """The user's id if authentication has already looked the user up; never queries for it.

    Reading request.user would load the session and the user for a page that did not need them,
    adding queries to every anonymous page just to write a log line.
    """
    lazy = getattr(request, "__dict__", {}).get("user")
    if lazy is None:
        return None
    wrapped = getattr(lazy, "_wrapped", lazy)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to each record ("-" and None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None) or "-"
        if not hasattr(record, "user_id"):
            record.user_id = request_user_id(request) if request is not None else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; times in UTC (ASVS 16.2.2)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
