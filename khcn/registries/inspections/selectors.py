"""Reads with rules for the inspection registry: staff access, the authority rule in force, an
establishment's record across campaigns, sanctions falling due.

Inspection records are for department staff only (no public page): they name establishments and
their violations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from khcn.accounts.permissions import is_department_staff
from khcn.directory.models import Organisation
from khcn.lib.text import fold
from khcn.registries.inspections.models import (
    Finding,
    InspectedEstablishment,
    Inspection,
    InspectionAuthorityRule,
    Sanction,
)


def can_view(user: Any) -> bool:
    """Department staff with the registry's view permission (every staff role has inspections.view_*)."""
    return is_department_staff(user) and user.has_perm("inspections.view_inspection")


def can_change(user: Any) -> bool:
    return is_department_staff(user) and user.has_perm("inspections.change_inspection")


def authority_rule(kind: str, on: dt.date) -> InspectionAuthorityRule | None:
    """The rule in force for `kind` on `on` (the latest one starting on or before it)."""
    return InspectionAuthorityRule.objects.filter(kind=kind).in_force(on).first()  # type: ignore[attr-defined]


def inspection_list_visible_to(user: Any) -> QuerySet[Inspection]:
    qs = Inspection.objects.active().select_related("decision", "leader")
    return qs if can_view(user) else qs.none()


# --- Establishments -------------------------------------------------------------------------------


def establishment_list_visible_to(user: Any, query: str = "") -> QuerySet[Organisation]:
    """Establishments covered by at least one active campaign, with their counts, in one query."""
    if not can_view(user):
        return Organisation.objects.none()
    covered = InspectedEstablishment.objects.filter(organisation=OuterRef("pk"), inspection__archived_at__isnull=True)
    qs = (
        Organisation.objects.active()
        .filter(Exists(covered))
        .select_related("administrative_unit")
        .annotate(
            n_campaigns=Count(
                "inspection_coverage",
                filter=Q(inspection_coverage__inspection__archived_at__isnull=True),
                distinct=True,
            ),
            n_sanctions=Count(
                "inspection_sanctions",
                filter=Q(inspection_sanctions__archived_at__isnull=True),
                distinct=True,
            ),
        )
    )
    for word in fold(query).split():
        qs = qs.filter(name_folded__contains=word)
    return qs.order_by("name", "pk")  # type: ignore[return-value]


@dataclass
class EstablishmentRecord:
    organisation: Organisation
    coverage: list[InspectedEstablishment]
    findings: list[Finding]
    sanctions: list[Sanction]
    fines_total: int
    unpaid_total: int


def establishment_record_for(user: Any, organisation_pk: int) -> EstablishmentRecord:
    """Everything the registry holds about one establishment, in five queries whatever its history."""
    if not can_view(user):
        raise PermissionDenied
    organisation = Organisation.objects.select_related("administrative_unit").filter(pk=organisation_pk).first()
    if organisation is None:
        raise Http404
    coverage = list(
        InspectedEstablishment.objects.filter(organisation=organisation, inspection__archived_at__isnull=True)
        .select_related("inspection", "inspection__decision", "inspection__decision__issuer")
        .order_by("-inspection__start_date", "-pk")
    )
    findings = list(
        Finding.objects.active()
        .filter(organisation=organisation, inspection__archived_at__isnull=True)
        .select_related("inspection")
        .order_by("-inspection__start_date", "pk")
    )
    sanctions = list(
        Sanction.objects.active()
        .filter(organisation=organisation, inspection__archived_at__isnull=True)
        .select_related("inspection")
        .order_by("-decision_date", "pk")
    )
    return EstablishmentRecord(
        organisation=organisation,
        coverage=coverage,
        findings=findings,
        sanctions=sanctions,
        fines_total=sum(s.amount for s in sanctions),
        unpaid_total=sum(s.amount for s in sanctions if s.status == Sanction.Status.UNPAID),
    )


# --- Sanctions ------------------------------------------------------------------------------------


def sanctions_unpaid_due(today: dt.date, within_days: int) -> QuerySet[Sanction]:
    """Unpaid sanctions whose payment deadline is at most `within_days` away, or passed."""
    return (
        Sanction.objects.active()
        .filter(
            status=Sanction.Status.UNPAID,
            payment_due__lte=today + dt.timedelta(days=within_days),
            inspection__archived_at__isnull=True,
        )
        .select_related("organisation", "inspection")
        .order_by("payment_due", "pk")
    )


def findings_follow_up_overdue(today: dt.date) -> QuerySet[Finding]:
    return (
        Finding.objects.active()
        .filter(follow_up=Finding.FollowUp.OPEN, follow_up_due__lt=today, inspection__archived_at__isnull=True)
        .select_related("organisation", "inspection")
        .order_by("follow_up_due", "pk")
    )


def totals(qs: QuerySet[Sanction]) -> int:
    return int(qs.aggregate(n=Sum("amount"))["n"] or 0)
