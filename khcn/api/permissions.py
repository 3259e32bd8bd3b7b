from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from khcn.accounts import roles
from khcn.accounts.permissions import has_role, is_department_staff


class IsStaffOrHost(BasePermission):
    """Department staff or a host organisation's user; which records each sees is the selectors' rule."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(is_department_staff(user) or has_role(user, roles.HOST_USER))
