"""The initiatives figures for the annual report (seed: facts.md, "initiatives").

Each figure counts the records of a period by the day the thing happened: the council's session
for a recommendation, the decision for a recognition, the support for a wider application. The
area of an initiative is its unit's administrative unit; of a council session, the initiatives
it judged.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, Units, in_units, register
from khcn.registries.initiatives import selectors
from khcn.registries.initiatives.models import Initiative

SECTION = "initiatives"
S = Initiative.Status


def _initiatives(units: Units) -> QuerySet[Initiative]:
    return Initiative.objects.active().filter(**in_units("unit__administrative_unit", units))


# Figures over the same records (and date) share a Records: the report counts them, and the year
# before, in one statement (khcn.core.metrics.compute_many).
COUNCIL_MEETINGS = Records(
    "initiatives.council_meetings",
    queryset=lambda units: selectors.council_meetings(None if units is None else _initiatives(units).values("pk")),
    in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
)
# Recommended or not by a council session in the period (later recognition does not undo that).
BY_COUNCIL_SESSION = Records(
    "initiatives.by_council_session",
    queryset=_initiatives,
    in_period=lambda period: Q(recommended_on__gte=period.start, recommended_on__lt=period.end),
)
RECOGNISED = Records(
    "initiatives.recognised",
    queryset=_initiatives,
    in_period=lambda period: Q(recognised_on__gte=period.start, recognised_on__lt=period.end),
)
SUPPORTED_WIDER = Records(
    "initiatives.supported_wider",
    queryset=lambda units: _initiatives(units).filter(supported_for_wider_application=True),
    in_period=lambda period: Q(wider_support_date__gte=period.start, wider_support_date__lt=period.end),
)


register(
    Metric(
        key="initiatives.council_meetings",
        label=_("Phiên họp của Hội đồng sáng kiến tỉnh"),
        section=SECTION,
        queryset=COUNCIL_MEETINGS.figure(),
        unit="phiên",
        order=10,
    )
)
register(
    Metric(
        key="initiatives.recommended",
        label=_("Sáng kiến được Hội đồng đề nghị công nhận"),
        section=SECTION,
        queryset=BY_COUNCIL_SESSION.figure(Q(status__in=[S.RECOMMENDED, S.RECOGNISED])),
        unit="sáng kiến",
        order=20,
    )
)
register(
    Metric(
        key="initiatives.not_recommended",
        label=_("Sáng kiến Hội đồng không đề nghị công nhận"),
        section=SECTION,
        queryset=BY_COUNCIL_SESSION.figure(Q(status=S.NOT_RECOMMENDED)),
        unit="sáng kiến",
        order=21,
    )
)
register(
    Metric(
        key="initiatives.recognised",
        label=_("Sáng kiến được công nhận có phạm vi ảnh hưởng cấp tỉnh"),
        section=SECTION,
        queryset=RECOGNISED.figure(Q(status=S.RECOGNISED)),
        unit="sáng kiến",
        order=30,
    )
)
register(
    Metric(
        key="initiatives.supported_wider",
        label=_("Sáng kiến được hỗ trợ nhân rộng"),
        section=SECTION,
        queryset=SUPPORTED_WIDER.figure(),
        unit="sáng kiến",
        order=40,
    )
)
register(
    Metric(
        key="initiatives.supported_wider_amount",
        label=_("Kinh phí hỗ trợ nhân rộng sáng kiến"),
        section=SECTION,
        queryset=SUPPORTED_WIDER.figure(),
        aggregate="sum",
        field="wider_support_amount",
        unit="đồng",
        order=41,
    )
)
