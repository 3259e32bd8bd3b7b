"""The legal document library's figures for the annual report (facts.md, "legal documents": in
2023 the department drafted and had issued 2 legal normative and 9 directive documents).

Only documents the department drafted or advised on count (`drafted_by_department`); the library
also holds the laws, decrees and circulars it applies, which are not the department's output. The
area of a document is its issuer's administrative unit.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, in_units, register
from khcn.registries.legaldocs.models import LegalDocument

SECTION = "legaldocs"

# Both figures count the same documents (the report does it in one statement, with the year before).
DRAFTED = Records(
    "legaldocs.drafted",
    queryset=lambda units: LegalDocument.objects.active().filter(
        drafted_by_department=True, **in_units("issuer__administrative_unit", units)
    ),
    in_period=lambda period: Q(issue_date__gte=period.start, issue_date__lt=period.end),
)


register(
    Metric(
        key="legaldocs.normative",
        label=_("Văn bản quy phạm pháp luật do Sở tham mưu ban hành"),
        section=SECTION,
        queryset=DRAFTED.figure(Q(kind=LegalDocument.Kind.NORMATIVE)),
        unit=_("văn bản"),
        order=10,
    )
)
register(
    Metric(
        key="legaldocs.directive",
        label=_("Văn bản chỉ đạo, điều hành do Sở tham mưu ban hành"),
        section=SECTION,
        queryset=DRAFTED.figure(Q(kind=LegalDocument.Kind.DIRECTIVE)),
        unit=_("văn bản"),
        order=20,
    )
)
