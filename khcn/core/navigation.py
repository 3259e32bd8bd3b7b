"""The back office's sidebar, built from what is registered, so each new module appears by itself."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ICONS = {
    "directory": "contacts",
    "accounts": "manage_accounts",
    "core": "inventory_2",
    "research": "science",
    "councils": "groups",
    "reports": "analytics",
    "radiation": "radiology",
    "technology": "precision_manufacturing",
    "ip": "verified",
    "initiatives": "lightbulb",
}


def sidebar(request: HttpRequest) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = [
        {
            "title": _("Tổng quan"),
            "items": [{"title": _("Trang chủ quản trị"), "icon": "dashboard", "link": reverse("admin:index")}],
        }
    ]
    for app in admin.site.get_app_list(request):
        if app["app_label"] in {"django_tasks_database", "otp_totp", "otp_static", "axes"}:
            continue
        groups.append(
            {
                "title": app["name"],
                "collapsible": True,
                "items": [
                    {
                        "title": model["name"],
                        "icon": ICONS.get(app["app_label"], "folder"),
                        "link": model["admin_url"],
                    }
                    for model in app["models"]
                    if model.get("admin_url")
                ],
            }
        )
    return groups
