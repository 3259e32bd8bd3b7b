from __future__ import annotations

import datetime as dt

from django import template

from khcn.lib import formats

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """{{ 27273000000|vnd }} -> 27.273.000.000 đ"""
    return formats.format_vnd(amount)


@register.filter
def vnd_billion(amount: int | None) -> str:
    """{{ 27273000000|vnd_billion }} -> 27,273 tỷ đồng"""
    return formats.format_vnd_billion(amount)


@register.filter
def dmy(value: dt.date | dt.datetime | None) -> str:
    return formats.format_date(value.date() if isinstance(value, dt.datetime) else value)
