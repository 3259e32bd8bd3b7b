"""A model field for legal fractions ("2/3", "3/4") kept exact.

Quorum and pass thresholds are fractions of members. Stored as Decimal 0.6667 they would make
"6 of 9 members" (exactly 2/3) fail a ">= 0.6667" test; stored as text "2/3" and read back as
fractions.Fraction, every comparison is exact. Staff type "2/3", "3/4" or "0.5" in the back office.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def parse_fraction(value: object) -> Fraction:
    """Read "2/3", "0,75", "0.5" or a number as an exact fraction; raise a Vietnamese error otherwise."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValidationError(_("Tỉ lệ không hợp lệ."), code="invalid_fraction")
    if isinstance(value, int):
        return Fraction(value)
    text = str(value).strip().replace(",", ".").replace(" ", "")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            _("Tỉ lệ “%(value)s” không hợp lệ: hãy viết dạng phân số như 2/3 hoặc số thập phân như 0,75.")
            % {"value": value},
            code="invalid_fraction",
        ) from None


def validate_proportion(value: Fraction) -> None:
    if not (0 < value <= 1):
        raise ValidationError(
            _("Tỉ lệ phải lớn hơn 0 và không quá 1 (đang là %(value)s).") % {"value": value},
            code="fraction_out_of_range",
        )


class FractionField(models.CharField):
    """Text in the database ("2/3"), a fractions.Fraction in Python."""

    description = _("Tỉ lệ (phân số)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 20:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Fraction | None:
        if value is None or value == "":
            return None
        return Fraction(value)

    def to_python(self, value: Any) -> Fraction | None:
        if value is None or value == "":
            return None
        return parse_fraction(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return None if value is None else str(value)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def run_validators(self, value: Any) -> None:
        # CharField's max-length validator would call len() on a Fraction; check the text instead.
        if value in self.empty_values:
            return
        fraction = parse_fraction(value)
        validate_proportion(fraction)
        if len(str(fraction)) > (self.max_length or 20):
            raise ValidationError(_("Tỉ lệ quá dài."), code="max_length")
