"""Who may do what: small predicates used by selectors, views and the admin."""

from __future__ import annotations

from typing import Any

from khcn.accounts import roles


def has_role(user: Any, *codes: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(user.role_codes.intersection(codes))


def is_department_staff(user: Any) -> bool:
    """Department staff and leaders (and the read-only provincial leaders) use the back office."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(user.role_codes & roles.STAFF_ROLES)


def can_see_personal_data(user: Any) -> bool:
    """Personal data of people (ID numbers, private contacts) is for department staff only."""
    if not is_department_staff(user):
        return False
    # has_role() admits superusers to every role, which would read as "is a provincial leader" here.
    return user.is_superuser or roles.PROVINCIAL_LEADER not in user.role_codes
