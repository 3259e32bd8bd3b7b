"""Small display helpers for the council pages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template

from khcn.councils.aggregation import fmt_number
from khcn.councils.models import CouncilMember

register = template.Library()


@register.filter
def role_label(value: str | None) -> str:
    """{{ council.my_role|role_label }} -> "Ủy viên phản biện 1"."""
    if not value:
        return ""
    try:
        return str(CouncilMember.Role(value).label)
    except ValueError:
        return value


@register.filter
def vn_number(value: Decimal | Fraction | int | None) -> str:
    """{{ result.mean_score|vn_number }} -> "78,5"."""
    if value is None or value == "":
        return ""
    return fmt_number(value)


@register.filter
def get_item(mapping: dict, key: str):  # type: ignore[no-untyped-def]
    return mapping.get(key) if mapping else None
