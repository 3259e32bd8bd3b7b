"""Template filters for research pages: money in whole đồng, Vietnamese style."""

from __future__ import annotations

from django import template

from khcn.lib.formats import format_vnd, format_vnd_billion, group_thousands

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """27273000000 -> 27.273.000.000 đ"""
    return format_vnd(amount)


@register.filter
def vnd_billion(amount: int | None) -> str:
    """27273000000 -> 27,273 tỷ đồng"""
    return format_vnd_billion(amount)


@register.filter
def thousands(amount: int | None) -> str:
    return "" if amount is None else group_thousands(int(amount))


@register.simple_tag(takes_context=True)
def research_staff(context: template.Context) -> bool:
    from khcn.research.selectors import is_research_staff

    return is_research_staff(context.get("user"))
