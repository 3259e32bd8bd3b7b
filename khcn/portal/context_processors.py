from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from khcn.accounts import roles
from khcn.accounts.permissions import has_role, is_department_staff


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "is_department_staff": bool(user and is_department_staff(user)),
        "is_council_member": bool(user and has_role(user, roles.COUNCIL_MEMBER)),
        "is_host_user": bool(user and has_role(user, roles.HOST_USER)),
    }
