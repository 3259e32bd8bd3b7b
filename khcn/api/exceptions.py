"""The API's error answers: input errors always in the documented format, {field: [messages]}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def flat_errors(errors: Any) -> dict[str, list[str]]:
    """Input errors in the documented format, {field: [messages]}: a nested row's errors (a payment
    schedule's tranche) become messages of its list field, naming the row and the field."""

    def messages(value: Any, where: str) -> list[str]:
        if isinstance(value, dict):
            # DRF keys a list's rows by their index (0-based); people count rows from 1.
            return [
                m
                for key, inner in value.items()
                for m in messages(inner, f"{where}[{int(key) + 1}] " if str(key).isdigit() else f"{where}{key}: ")
            ]
        if isinstance(value, list | tuple):
            out: list[str] = []
            for index, inner in enumerate(value):
                if isinstance(inner, dict | list | tuple):
                    out += messages(inner, f"{where}[{index + 1}] ")
                else:
                    out.append(f"{where}{inner}")
            return out
        return [f"{where}{value}"]

    return {str(field): messages(value, "") for field, value in errors.items()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with a ValidationError's nested errors (a list of rows, a nested serializer, a
    list of files) flattened, so that no endpoint can answer outside the schema's error format."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, dict):
        response.data = flat_errors(response.data)
    return response


def _api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 page, or under /api/ the API's own 404 answer: a path that matches no route
    (an id that is not a number, say) is still a documented JSON answer, not an HTML page."""
    if _api_path(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api_path(request):
        return JsonResponse({"detail": str(_("Lỗi máy chủ. Hãy thử lại sau."))}, status=500)
    return defaults.server_error(request)
