"""The OpenAPI schema documents the error answers the API really gives, not only the success.

drf-spectacular lists 200/201 alone; a client (and schemathesis in the test suite) then meets 400,
401, 403, 404 and 429 answers that the schema never mentioned. Each operation here gets the ones its
view can produce, in DRF's own error format:
- 400: a request body or filters: ``{"<field>": ["message", ...], "non_field_errors": [...]}``, or
  ``{"detail": "..."}`` when the body cannot be parsed;
- 401/403: the view needs a signed-in user (403 also when the role or the record forbids it);
- 404: a path parameter (a record the user may not see answers 404, as on the web pages) or a page
  number past the end;
- 415: a request body sent without one of the documented content types (JSON, form, multipart),
  or one whose type cannot be read from it (a multipart body with no boundary, for one);
- 429: the rate limit.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Thông báo lỗi")


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Lỗi theo từng trường: tên trường (hoặc non_field_errors cho lỗi chung) → danh sách thông báo;"
        " nội dung gửi lên không đọc được: detail."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _detail(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _error_responses(self) -> dict[str, Any]:
        view = self.view
        errors: dict[str, Any] = {}
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_filters = (
            self._is_list_view()
            and bool(getattr(view, "filter_backends", None))
            and bool(getattr(view, "filterset_class", None) or getattr(view, "filterset_fields", None))
        )
        if has_body or has_filters:
            errors["400"] = OpenApiResponse(response=VALIDATION_ERROR_SCHEMA, description="Dữ liệu không hợp lệ")
        if has_body:
            errors["415"] = _detail("Kiểu nội dung (Content-Type) không được hỗ trợ")
        if any(not issubclass(permission, AllowAny) for permission in getattr(view, "permission_classes", ())):
            errors["401"] = _detail("Chưa xác thực (thiếu hoặc sai token)")
            errors["403"] = _detail("Không có quyền")
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            errors["404"] = _detail("Không tìm thấy (hoặc không được xem), hoặc trang không tồn tại")
        if getattr(view, "throttle_classes", ()):
            errors["429"] = _detail("Vượt giới hạn số lần gọi")
        return errors
