"""What falls due, across all apps. Each app declares checks in its own `due.py`:

    from khcn.core.due import DueItem, register

    @register("radiation.licence_expiry")
    def licences_expiring(today):
        for licence in ...:
            yield DueItem(key=f"licence:{licence.pk}:90", title=..., due_date=..., recipients=[...])

`manage.py remind` runs every check, shows the items and emails each recipient once a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Check = Callable[[dt.date], Iterable["DueItem"]]

_CHECKS: dict[str, Check] = {}


@dataclass(frozen=True)
class DueItem:
    key: str  # stable: the same thing due gives the same key every day
    title: str
    due_date: dt.date
    recipients: tuple[str, ...] = ()  # email addresses
    url: str = ""
    overdue: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def register(name: str) -> Callable[[Check], Check]:
    def decorator(check: Check) -> Check:
        _CHECKS[name] = check
        return check

    return decorator


def unregister(name: str) -> None:
    _CHECKS.pop(name, None)


def checks() -> dict[str, Check]:
    return dict(_CHECKS)


def collect(today: dt.date) -> list[tuple[str, DueItem]]:
    items: list[tuple[str, DueItem]] = []
    for name, check in sorted(_CHECKS.items()):
        items.extend((name, item) for item in check(today))
    return items
