"""The figures metrology contributes to reports (architecture.md, "Metrics").

Counted by the date of verification, in the area of the instrument's owner. Labels stay lazy so
the report shows them in its reader's language.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, in_units, register
from khcn.registries.metrology.models import Verification

SECTION = "metrology"

# The three figures count the same verifications, each with its own condition: the report counts
# them, for the year and the year before, in one statement (khcn.core.metrics.compute_many).
VERIFICATIONS = Records(
    "metrology.verifications",
    queryset=lambda units: Verification.objects.active().filter(
        **in_units("instrument__owner__administrative_unit", units)
    ),
    in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
)
# "Được kiểm định, cấp giấy chứng nhận và dán tem": passed, with both marks.
PASSED = Q(result=Verification.Result.PASSED) & ~Q(certificate_no="") & ~Q(stamp_no="")
REJECTED = Q(result=Verification.Result.FAILED)


register(
    Metric(
        key="metrology.verified",
        label=cast(str, _("Phương tiện đo được kiểm định")),
        section=SECTION,
        queryset=VERIFICATIONS.figure(),
        unit="phương tiện",
        order=10,
    )
)
register(
    Metric(
        key="metrology.passed",
        label=cast(str, _("Phương tiện đo đạt, được cấp giấy chứng nhận và dán tem")),
        section=SECTION,
        queryset=VERIFICATIONS.figure(PASSED),
        unit="phương tiện",
        order=20,
    )
)
register(
    Metric(
        key="metrology.rejected",
        label=cast(str, _("Phương tiện đo không đạt, bị loại bỏ")),
        section=SECTION,
        queryset=VERIFICATIONS.figure(REJECTED),
        unit="phương tiện",
        order=30,
    )
)
