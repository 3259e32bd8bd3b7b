"""The rules a measurement point must pass, shared by the import, the services and the back-office
form, so that the same bad point is refused everywhere with the same Vietnamese message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.lib.formats import group_thousands
from khcn.registries.radiation import geo
from khcn.registries.radiation.dose import TO_NSV_H, DoseUnit, to_nsv_h

# Used only when no SurveyRule exists (the data migration creates one).
DEFAULT_MAX_PLAUSIBLE_NSV_H = 100_000


def unknown_unit_message(text: str) -> str:
    return _("Đơn vị đo “%(unit)s” không được hỗ trợ. Dùng một trong: %(units)s") % {
        "unit": text,
        "units": ", ".join(u.value for u in DoseUnit),
    }


def point_errors(
    *,
    latitude: Decimal | float | None,
    longitude: Decimal | float | None,
    raw_value: Decimal | None,
    raw_unit: str,
    measured_on: dt.date | None,
    calibrated_on: dt.date | None = None,
    note: str = "",
    max_nsv_h: int | None = None,
    today: dt.date | None = None,
) -> list[tuple[str, str]]:
    """[(field, message)] for everything wrong with one point; empty when it may be stored."""
    errors: list[tuple[str, str]] = []
    if latitude is not None and longitude is not None:
        message = geo.location_error(latitude, longitude)
        if message:
            errors.append(("latitude", message))
    else:
        errors.append(("latitude", _("Thiếu vĩ độ hoặc kinh độ")))

    if raw_value is None:
        # An inaccessible site keeps its location with no value, but only with the reason.
        if not (note or "").strip():
            errors.append(("raw_value", _("Thiếu giá trị đo; điểm không đo được phải ghi lý do ở cột Ghi chú")))
    elif raw_value < 0:
        errors.append(("raw_value", _("Suất liều không được âm")))
    elif not raw_unit:
        errors.append(("raw_unit", _("Thiếu đơn vị đo")))
    elif raw_unit not in TO_NSV_H:
        errors.append(("raw_unit", unknown_unit_message(raw_unit)))
    else:
        limit = max_nsv_h if max_nsv_h is not None else _max_plausible()
        value = to_nsv_h(raw_value, raw_unit)
        if value > limit:
            errors.append(
                (
                    "raw_value",
                    _(
                        "Suất liều lớn bất thường: %(value)s nSv/h, vượt %(limit)s nSv/h. "
                        "Hãy kiểm tra giá trị và đơn vị đo (ví dụ nSv/h ghi nhầm thành µSv/h)."
                    )
                    % {"value": group_thousands(int(value)), "limit": group_thousands(limit)},
                )
            )

    today = today or timezone.localdate()
    if measured_on is not None and measured_on > today:
        errors.append(("measured_on", _("Ngày đo ở tương lai")))
    if measured_on is not None and calibrated_on is not None and calibrated_on > measured_on:
        errors.append(("instrument_calibrated_on", _("Ngày hiệu chuẩn thiết bị sau ngày đo")))
    return errors


def _max_plausible() -> int:
    from khcn.registries.radiation.selectors import survey_rule_in_force

    rule = survey_rule_in_force()
    return rule.max_plausible_nsv_h if rule else DEFAULT_MAX_PLAUSIBLE_NSV_H


def validation_error(errors: list[tuple[str, str]]) -> ValidationError:
    """The (field, message) pairs as one ValidationError, every message kept."""
    by_field: dict[str, list[str]] = {}
    for name, message in errors:
        by_field.setdefault(name, []).append(message)
    return ValidationError(by_field)
