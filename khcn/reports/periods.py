"""Read the report's period and area from a query string (?tu=&den=, ?quy=, ?nua=, ?area=)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.http import Http404
from django.utils.translation import gettext as _

from khcn.core.metrics import Period
from khcn.directory.models import AdministrativeUnit
from khcn.lib.formats import ParseError, format_date, parse_date


class BadPeriod(ValueError):
    """A period the user typed that cannot be read; the message is Vietnamese."""


def period_from(year: int, params: Mapping[str, str]) -> Period:
    """The calendar year, or a quarter (quy=1..4), a half (nua=1..2), or dates (tu, den inclusive)."""
    if params.get("tu") or params.get("den"):
        try:
            start = parse_date(params.get("tu") or f"01/01/{year}")
            end = parse_date(params.get("den") or f"31/12/{year}")
        except ParseError as exc:
            raise BadPeriod(str(exc)) from exc
        if end < start:
            raise BadPeriod(_("Ngày kết thúc trước ngày bắt đầu."))
        return Period(start, end + dt.timedelta(days=1))
    if params.get("quy"):
        quarter = _int_in(params["quy"], 1, 4)
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return Period(start, end)
    if params.get("nua"):
        half = _int_in(params["nua"], 1, 2)
        return (
            Period(dt.date(year, 1, 1), dt.date(year, 7, 1))
            if half == 1
            else Period(dt.date(year, 7, 1), dt.date(year + 1, 1, 1))
        )
    return Period.year(year)


def _int_in(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadPeriod(_("Kỳ báo cáo không hợp lệ.")) from None
    if not low <= value <= high:
        raise BadPeriod(_("Kỳ báo cáo không hợp lệ."))
    return value


def area_from(params: Mapping[str, str]) -> AdministrativeUnit | None:
    raw = params.get("area") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(_("Không tìm thấy địa bàn."))
    area = AdministrativeUnit.objects.filter(pk=int(raw)).first()
    if area is None:
        raise Http404(_("Không tìm thấy địa bàn."))
    return area


def period_query(period: Period, area: AdministrativeUnit | None = None) -> str:
    """The query string that names `period` (and `area`) exactly, for drill-down links."""
    parts = [f"tu={format_date(period.start)}", f"den={format_date(period.end - dt.timedelta(days=1))}"]
    if area is not None:
        parts.append(f"area={area.pk}")
    return "&".join(parts)


def period_label(period: Period) -> str:
    if period == Period.year(period.start.year):
        return _("năm %(year)s") % {"year": period.start.year}
    return _("từ %(start)s đến %(end)s") % {
        "start": format_date(period.start),
        "end": format_date(period.end - dt.timedelta(days=1)),
    }
