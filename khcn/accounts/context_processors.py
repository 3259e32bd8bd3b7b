from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """The request's CSP nonce as `csp_nonce`, the name django-htmx's {% htmx_script %} and
    Django 6's own CSP support read (django-csp's processor calls it CSP_NONCE). It stays lazy: the
    nonce enters the header only on pages that print it."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
