"""What falls due in the technology registry; `manage.py remind` runs these checks.

- A request for a technology opinion still unanswered when its deadline (DeadlineRule) is near,
  and again when it has passed.
- A registered technology transfer contract that ends within 30 days (registries.md §2 (c)).

A reminder's key is stable per record and band, and a key sent on an earlier day is not sent
again, so the division is told once per band, not every day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.technology import selectors

# Days before an answer is due at which the division is told (the department's choice).
OPINION_NOTICE_DAYS = 3
CONTRACT_NOTICE_DAYS = 30


def officer_emails() -> tuple[str, ...]:
    """E-mail addresses of the technology and IP division's active accounts."""
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.TECHNOLOGY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


def _already_sent(keys: list[str], today: dt.date) -> set[str]:
    return set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))


@register("technology.opinion_answer")
def opinions_due(today: dt.date) -> Iterator[DueItem]:
    staff = officer_emails()
    candidates = []
    for opinion in selectors.opinions_unanswered(today, OPINION_NOTICE_DAYS):
        assert opinion.answer_due is not None
        band = "overdue" if opinion.answer_due < today else "soon"
        candidates.append((f"technology.opinion:{opinion.pk}:{band}", band, opinion))
    sent = _already_sent([key for key, _b, _o in candidates], today)
    for key, band, opinion in candidates:
        if key in sent:
            continue
        assert opinion.answer_due is not None
        if band == "overdue":
            title = _("Quá hạn trả lời ý kiến về công nghệ dự án %(p)s (hạn %(d)s)")
        else:
            title = _("Sắp đến hạn trả lời ý kiến về công nghệ dự án %(p)s (hạn %(d)s)")
        yield DueItem(
            key=key,
            title=title % {"p": opinion.project.name, "d": opinion.answer_due.strftime("%d/%m/%Y")},
            due_date=opinion.answer_due,
            recipients=staff,
            url=reverse("admin:technology_technologyopinion_change", args=[opinion.pk]),
            overdue=band == "overdue",
        )


@register("technology.transfer_contract_end")
def contracts_ending(today: dt.date) -> Iterator[DueItem]:
    staff = officer_emails()
    candidates = [
        (f"technology.transfer:{c.pk}:{c.contract_end.isoformat()}", c)
        for c in selectors.contracts_ending(today, CONTRACT_NOTICE_DAYS)
        if c.contract_end is not None
    ]
    sent = _already_sent([key for key, _c in candidates], today)
    for key, certificate in candidates:
        if key in sent:
            continue
        assert certificate.contract_end is not None
        yield DueItem(
            key=key,
            title=_("Hợp đồng chuyển giao công nghệ %(n)s (%(t)s) hết hiệu lực ngày %(d)s")
            % {
                "n": certificate.contract_number,
                "t": certificate.transferee.name,
                "d": certificate.contract_end.strftime("%d/%m/%Y"),
            },
            due_date=certificate.contract_end,
            recipients=staff,
            url=reverse("admin:technology_technologytransfercertificate_change", args=[certificate.pk]),
        )
