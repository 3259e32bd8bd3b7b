"""A plain local page describing the API, read from the same OpenAPI schema as /api/schema/.

No Swagger UI: its assets would come from a CDN unless drf-spectacular-sidecar were added, and the
site loads nothing from outside. The page lists every path and operation, and links the schema.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator


def docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("description", "").split("\n")[0],
                    "auth": bool(op.get("security")) and {} not in op.get("security", []),
                    "parameters": [p["name"] for p in op.get("parameters", [])],
                }
            )
    return render(request, "api/docs.html", {"operations": operations, "info": schema.get("info", {})})
