"""The figures metrology contributes to reports (architecture.md, "Metrics").

Counted by the date of verification, in the area of the instrument's owner. Labels stay lazy so
the report shows them in its reader's language.
"""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.metrology.models import Verification

SECTION = "metrology"


def verifications(period: Period, units: Units) -> QuerySet[Verification]:
    return Verification.objects.active().filter(
        date__gte=period.start, date__lt=period.end, **in_units("instrument__owner__administrative_unit", units)
    )


def verifications_passed(period: Period, units: Units) -> QuerySet[Verification]:
    # "Được kiểm định, cấp giấy chứng nhận và dán tem": passed, with both marks.
    return (
        verifications(period, units)
        .filter(result=Verification.Result.PASSED)
        .exclude(certificate_no="")
        .exclude(stamp_no="")
    )


def verifications_rejected(period: Period, units: Units) -> QuerySet[Verification]:
    return verifications(period, units).filter(result=Verification.Result.FAILED)


register(
    Metric(
        key="metrology.verified",
        label=cast(str, _("Phương tiện đo được kiểm định")),
        section=SECTION,
        queryset=verifications,
        unit="phương tiện",
        order=10,
    )
)
register(
    Metric(
        key="metrology.passed",
        label=cast(str, _("Phương tiện đo đạt, được cấp giấy chứng nhận và dán tem")),
        section=SECTION,
        queryset=verifications_passed,
        unit="phương tiện",
        order=20,
    )
)
register(
    Metric(
        key="metrology.rejected",
        label=cast(str, _("Phương tiện đo không đạt, bị loại bỏ")),
        section=SECTION,
        queryset=verifications_rejected,
        unit="phương tiện",
        order=30,
    )
)
