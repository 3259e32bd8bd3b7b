"""Dose-rate units and their conversion to the canonical nSv/h, as data.

Conventions (stated on the map page too):
- Gy → Sv is taken as 1. Survey meters for environmental background either read ambient dose
  equivalent H*(10) directly or air absorbed dose; for the regulator's purpose (a baseline and a
  re-check list) the two are treated as equal. The exact factor depends on photon energy (about
  1.2 Sv/Gy for H*(10) at Cs-137 energies; 0.7 Sv/Gy for effective dose, UNSCEAR 2000), so raw
  value and unit are always kept next to the normalised value and a stricter factor can be
  applied later without losing anything.
- 1 R of exposure in air = 8.77 mGy air kerma (W/e = 33.97 J/C), so 1 µR/h = 8.77 nGy/h, and with
  the convention above 8.77 nSv/h.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class DoseUnit(models.TextChoices):
    NSV_H = "nSv/h", "nSv/h"
    USV_H = "µSv/h", "µSv/h"
    NGY_H = "nGy/h", "nGy/h"
    UGY_H = "µGy/h", "µGy/h"
    UR_H = "µR/h", "µR/h"


# nSv/h per one unit of each; see the module docstring for the Gy→Sv and R→Gy conventions.
TO_NSV_H: dict[str, Decimal] = {
    DoseUnit.NSV_H: Decimal("1"),
    DoseUnit.USV_H: Decimal("1000"),
    DoseUnit.NGY_H: Decimal("1"),
    DoseUnit.UGY_H: Decimal("1000"),
    DoseUnit.UR_H: Decimal("8.77"),
}

CONVERSION_NOTE = _(
    "Quy đổi về nSv/h: 1 µSv/h = 1.000 nSv/h; Gy được coi bằng Sv (hệ số 1) cho suất liều tương đương "
    "môi trường; 1 µR/h = 8,77 nGy/h. Giá trị và đơn vị gốc luôn được lưu kèm."
)

# One decimal of nSv/h is finer than any survey meter reads background (±10–20%).
NSV_QUANTUM = Decimal("0.1")


def to_nsv_h(value: Decimal, unit: str) -> Decimal:
    """The value in nSv/h, rounded to 0.1; KeyError for a unit not in TO_NSV_H."""
    return (Decimal(value) * TO_NSV_H[unit]).quantize(NSV_QUANTUM, rounding=ROUND_HALF_UP)


_MICRO = re.compile(r"^(µ|μ|u|micro|mc)")


def parse_unit(text: str) -> str | None:
    """Read a unit as people type it (uSv/h, μSv/h, µSv/giờ, nSv/hr, microSv/h); None if unknown."""
    key = re.sub(r"\s+", "", str(text or "")).lower()
    key = key.replace("/giờ", "/h").replace("/gio", "/h").replace("/hr", "/h").replace("/hour", "/h")
    key = _MICRO.sub("µ", key)
    for unit in DoseUnit:
        if unit.value.lower() == key:
            return unit.value
    return None
