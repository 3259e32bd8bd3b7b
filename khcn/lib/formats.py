"""Vietnamese formats for money, numbers and dates. Pure functions; no Django models."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

BILLION = 1_000_000_000


def group_thousands(value: int, sep: str = ".") -> str:
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", sep)


def format_vnd(amount: int | None) -> str:
    """27273000000 -> '27.273.000.000 đ' (money is kept as whole đồng)."""
    if amount is None:
        return ""
    return f"{group_thousands(int(amount))} đ"


def format_vnd_billion(amount: int | None, places: int = 3) -> str:
    """27273000000 -> '27,273 tỷ đồng' (the way reports and the press write budgets)."""
    if amount is None:
        return ""
    value = Decimal(int(amount)) / BILLION
    text = f"{value:,.{places}f}"
    # Python gives 1,234.567; Vietnamese writes 1.234,567.
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} tỷ đồng"


_MONEY_JUNK = re.compile(r"[\s\u00a0]|đồng|đ|vnd|VNĐ|VND", re.IGNORECASE)


class ParseError(ValueError):
    """A value that cannot be read; the message is for the user, in Vietnamese."""


def parse_vnd(value: object) -> int:
    """Read an amount in whole đồng: 27.273.000.000, 27,273,000,000, 27273000000, 1.5e9 (Excel)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParseError("Thiếu số tiền")
    if isinstance(value, bool):
        raise ParseError("Số tiền không hợp lệ")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise ParseError("Số tiền phải là số đồng nguyên, không có phần lẻ")
        return int(value)
    text = _MONEY_JUNK.sub("", str(value))
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        as_decimal = Decimal(text)
    except InvalidOperation:
        raise ParseError(f"Số tiền không hợp lệ: “{value}”") from None
    if as_decimal != as_decimal.to_integral_value():
        raise ParseError("Số tiền phải là số đồng nguyên, không có phần lẻ")
    return int(as_decimal)


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


_DATE_PATTERNS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(value: object) -> dt.date:
    """Read a date written dd/mm/yyyy (or ISO), or a real Excel date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        raise ParseError("Thiếu ngày")
    text = str(value).strip()
    if " " in text:  # "15/01/2024 00:00:00" from a spreadsheet cell formatted as datetime
        text = text.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ParseError(f"Ngày không hợp lệ: “{value}” (viết theo dạng dd/mm/yyyy)")
