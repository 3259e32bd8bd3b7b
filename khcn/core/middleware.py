"""Request logging: an id per request, and one log line per response with its status and duration."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from khcn.core.logs import _request, request_user_id

logger = logging.getLogger("khcn.request")

# An id handed in by the proxy (nginx's $request_id) is kept so both logs can be joined; anything
# else is replaced, so a client cannot write arbitrary text into the logs.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        token = _request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            duration_ms = round((time.monotonic() - started) * 1000)
            # The path without its query string: searches and filters may carry personal data.
            logger.info(
                "%s %s %s %dms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": request_user_id(request),
                },
            )
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response
