"""Reads with rules for standards and quality: deadlines in force, what falls due, who is told."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.registries.quality.models import ConformityAnnouncement, DeadlineRule, ImportInspection


class RuleTable:
    """Every deadline rule, read once (a handful of rows): "which rule applied on this date"."""

    def __init__(self, rules: list[DeadlineRule]) -> None:
        by_kind: defaultdict[str, list[DeadlineRule]] = defaultdict(list)
        for rule in sorted(rules, key=lambda r: (r.kind, r.valid_from)):
            by_kind[rule.kind].append(rule)
        self._rules = dict(by_kind)

    @classmethod
    def load(cls) -> RuleTable:
        return cls(list(DeadlineRule.objects.all()))

    def on(self, kind: str, day: dt.date) -> DeadlineRule | None:
        rules = self._rules.get(kind, [])
        index = bisect.bisect_right([r.valid_from for r in rules], day) - 1
        return rules[index] if index >= 0 else None


def rule_on(kind: str, day: dt.date) -> DeadlineRule | None:
    return DeadlineRule.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()


def imports_awaiting_certificate(
    today: dt.date, *, within_days: int, overdue_for_days: int
) -> QuerySet[ImportInspection]:
    """Lots with no certificate submitted and no result, due within `within_days` or overdue by at
    most `overdue_for_days`."""
    return (
        ImportInspection.objects.active()
        .filter(
            certificate_submitted_on__isnull=True,
            result=ImportInspection.Result.PENDING,
            certificate_due_on__lte=today + dt.timedelta(days=within_days),
            certificate_due_on__gte=today - dt.timedelta(days=overdue_for_days),
        )
        .select_related("enterprise")
        .order_by("certificate_due_on", "pk")
    )


def announcements_expiring(today: dt.date, *, within_days: int) -> QuerySet[ConformityAnnouncement]:
    return (
        ConformityAnnouncement.objects.active()
        .filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=within_days))
        .select_related("enterprise")
        .order_by("valid_until", "pk")
    )


def division_emails() -> tuple[str, ...]:
    """The standards, metrology and quality division's staff."""
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.QUALITY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))
