"""What falls due in metrology: instruments whose next verification is near or past.

An item is one instrument and one due date; its key names both, so it is the same item every
day until the instrument is verified again (which gives a new due date, hence a new key).
The owner is told (when the directory has an e-mail address), and so is the division.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.core.due import DueItem, register
from khcn.registries.metrology import selectors

# Reminders start this many days before the due date.
REMIND_DAYS_BEFORE = 30
# An instrument overdue for longer than this is presumed out of use: it stops being reminded
# every day, and staff find it under the list's "Quá hạn" filter.
REMIND_DAYS_AFTER = 365


@register("metrology.verification_due")
def verifications_due(today: dt.date) -> Iterator[DueItem]:
    staff = selectors.division_emails()
    for instrument in selectors.instruments_due(
        today, within_days=REMIND_DAYS_BEFORE, overdue_for_days=REMIND_DAYS_AFTER
    ).iterator(chunk_size=2000):
        due = instrument.next_due_on
        assert due is not None  # the selector filters on it
        overdue = due < today
        template = (
            _("%(type)s số %(serial)s của %(owner)s đã quá hạn kiểm định từ %(date)s")
            if overdue
            else _("%(type)s số %(serial)s của %(owner)s đến hạn kiểm định ngày %(date)s")
        )
        owner_email = (instrument.owner.email or "").strip()
        yield DueItem(
            key=f"metrology.instrument:{instrument.pk}:{due:%Y%m%d}",
            title=template
            % {
                "type": instrument.instrument_type.name,
                "serial": instrument.serial,
                "owner": instrument.owner.name,
                "date": due.strftime("%d/%m/%Y"),
            },
            due_date=due,
            recipients=tuple(dict.fromkeys((owner_email, *staff)) if owner_email else staff),
            url=reverse("admin:metrology_instrument_change", args=[instrument.pk]),
            overdue=overdue,
        )
