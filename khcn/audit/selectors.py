"""Reading the audit log: the chain check run by `manage.py audit_verify`."""

from __future__ import annotations

from dataclasses import dataclass, field

from khcn.audit.models import GENESIS, AuditEvent
from khcn.audit.services import chain_hash


@dataclass
class ChainReport:
    checked: int = 0
    # (row id, what is wrong)
    breaks: list[tuple[int, str]] = field(default_factory=list)
    starts_after_pruning: bool = False

    @property
    def ok(self) -> bool:
        return not self.breaks


def chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Recompute every row's hash in id order: a changed row, or a row removed from the middle,
    breaks the chain at that point. The first row's predecessor may have been pruned."""
    report = ChainReport()
    previous: str | None = None
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if previous is None:
            report.starts_after_pruning = row.prev_hash != GENESIS
        elif row.prev_hash != previous:
            report.breaks.append((row.pk, "prev_hash"))
        if chain_hash(row.prev_hash, row) != row.row_hash:
            report.breaks.append((row.pk, "row_hash"))
        previous = row.row_hash
        report.checked += 1
    return report
