"""The transition tables of the task lifecycle (tasks.md §1): part 1, steps 0–8, and part 2, the
contract to the results (steps 9–15).

Each table maps (from, to) to the roles that may make that move. A pair that is not in a table is
forbidden for everyone; the services add the guards that depend on the record (a duplicate needs
its original, a host may withdraw only its own organisation's proposal...). docs/workflow.md draws
these tables, and tests/test_workflow.py walks every pair for every role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.research.models import Adjustment, Application, Plan, ProgressReport, Proposal, Task

P = Proposal.Status
T = Task.Status
L = Plan.Status
A = Application.Status
R = ProgressReport.Status
J = Adjustment.Status

SCIENCE = frozenset({roles.SCIENCE_OFFICER})
SCIENCE_AND_LEADER = frozenset({roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER})
HOST = frozenset({roles.HOST_USER})
LEADER = frozenset({roles.DEPARTMENT_LEADER})

Table = dict[tuple[str, str], frozenset[str]]

PROPOSAL_TRANSITIONS: Table = {
    # Screening by the science management division (step 2).
    (P.SUBMITTED, P.VALID): SCIENCE,
    (P.SUBMITTED, P.INVALID): SCIENCE,
    (P.SUBMITTED, P.DUPLICATE): SCIENCE,
    (P.SUBMITTED, P.MERGED): SCIENCE,
    (P.INVALID, P.VALID): SCIENCE,  # re-screened after the proposer completed the form
    (P.VALID, P.DUPLICATE): SCIENCE,
    (P.VALID, P.MERGED): SCIENCE,
    # The proposer may take its own proposal back until the council sees it.
    (P.SUBMITTED, P.WITHDRAWN): HOST | SCIENCE,
    (P.VALID, P.WITHDRAWN): HOST | SCIENCE,
    # The identification council (step 3).
    (P.VALID, P.IN_COUNCIL): SCIENCE,
    (P.IN_COUNCIL, P.RECOMMENDED): SCIENCE,
    (P.IN_COUNCIL, P.REJECTED): SCIENCE,
    # Into the approved plan (step 4/8): recorded with the plan's approval decision.
    (P.RECOMMENDED, P.IN_PLAN): SCIENCE_AND_LEADER,
    (P.RECOMMENDED, P.REJECTED): SCIENCE_AND_LEADER,  # the province did not order it
}

PLAN_TRANSITIONS: Table = {
    (L.DRAFT, L.SUBMITTED): SCIENCE,
    (L.SUBMITTED, L.DRAFT): SCIENCE_AND_LEADER,  # sent back for changes
    (L.SUBMITTED, L.APPROVED): SCIENCE_AND_LEADER,  # records the People's Committee decision
}

TASK_TRANSITIONS: Table = {
    (T.ORDERED, T.CALLING): SCIENCE,
    (T.NO_WINNER, T.CALLING): SCIENCE,  # a second call, or a switch to direct assignment
    (T.CALLING, T.SELECTING): SCIENCE,
    (T.SELECTING, T.SELECTED): SCIENCE,
    (T.SELECTING, T.NO_WINNER): SCIENCE,
    (T.SELECTED, T.APPRAISED): SCIENCE,
    (T.APPRAISED, T.APPROVED): SCIENCE_AND_LEADER,
    # Part 2. Signing the contract starts the work (services.contract_sign).
    (T.APPROVED, T.IN_PROGRESS): SCIENCE,
    (T.IN_PROGRESS, T.SUSPENDED): SCIENCE_AND_LEADER,
    (T.SUSPENDED, T.IN_PROGRESS): SCIENCE_AND_LEADER,
    (T.IN_PROGRESS, T.TERMINATED): LEADER,
    (T.SUSPENDED, T.TERMINATED): LEADER,
    # The host hands in the acceptance dossier (step 11); staff may record a paper dossier.
    (T.IN_PROGRESS, T.AWAITING_ACCEPTANCE): HOST | SCIENCE,
    (T.AWAITING_ACCEPTANCE, T.IN_PROGRESS): SCIENCE,  # dossier returned as incomplete
    # The council's grade and the decision recognising it (step 12).
    (T.AWAITING_ACCEPTANCE, T.ACCEPTED): SCIENCE_AND_LEADER,
    (T.AWAITING_ACCEPTANCE, T.FAILED): SCIENCE_AND_LEADER,
    # Closed once the results are registered and the contract liquidated (accepted), or the
    # funds to recover are decided (failed); application of results is tracked after that.
    (T.ACCEPTED, T.COMPLETED): SCIENCE,
    (T.FAILED, T.COMPLETED): SCIENCE,
    (T.ORDERED, T.CANCELLED): SCIENCE_AND_LEADER,
    (T.CALLING, T.CANCELLED): SCIENCE_AND_LEADER,
    (T.NO_WINNER, T.CANCELLED): SCIENCE_AND_LEADER,
}

APPLICATION_TRANSITIONS: Table = {
    (A.SUBMITTED, A.VALID): SCIENCE,  # dossiers opened and found complete
    (A.SUBMITTED, A.INVALID): SCIENCE,
    (A.SUBMITTED, A.WITHDRAWN): HOST | SCIENCE,
    (A.VALID, A.WITHDRAWN): HOST | SCIENCE,
    (A.VALID, A.IN_COUNCIL): SCIENCE,
    (A.IN_COUNCIL, A.SELECTED): SCIENCE,
    (A.IN_COUNCIL, A.NOT_SELECTED): SCIENCE,
}

PROGRESS_REPORT_TRANSITIONS: Table = {
    (R.SUBMITTED, R.ACCEPTED): SCIENCE,
    (R.SUBMITTED, R.RETURNED): SCIENCE,
    (R.RETURNED, R.SUBMITTED): HOST | SCIENCE,  # completed and handed in again
}

ADJUSTMENT_TRANSITIONS: Table = {
    (J.REQUESTED, J.APPROVED): SCIENCE_AND_LEADER,
    (J.REQUESTED, J.REJECTED): SCIENCE_AND_LEADER,
    (J.REQUESTED, J.WITHDRAWN): HOST | SCIENCE,
}

TABLES: dict[str, Table] = {
    "proposal": PROPOSAL_TRANSITIONS,
    "plan": PLAN_TRANSITIONS,
    "task": TASK_TRANSITIONS,
    "application": APPLICATION_TRANSITIONS,
    "progress_report": PROGRESS_REPORT_TRANSITIONS,
    "adjustment": ADJUSTMENT_TRANSITIONS,
}


def roles_for(table: Table, current: str, to: str) -> frozenset[str]:
    return table.get((current, to), frozenset())


def may(table: Table, current: str, to: str, user: Any) -> bool:
    """True if the user's roles allow the move. Superusers may make any move the table has."""
    if (current, to) not in table:
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.role_codes & table[(current, to)])


def check(table: Table, current: str, to: str, user: Any, *, labels: Mapping[str, Any] | None = None) -> None:
    """Raise ValidationError for a move the table does not have, PermissionDenied for a user
    whose roles may not make it."""
    labels = labels or {}
    if (current, to) not in table:
        raise ValidationError(
            _("Không thể chuyển từ “%(a)s” sang “%(b)s”.")
            % {"a": labels.get(current, current), "b": labels.get(to, to)},
            code="transition_not_allowed",
        )
    if not may(table, current, to, user):
        raise PermissionDenied(_("Bạn không có quyền thực hiện bước này."))


def next_statuses(table: Table, current: str, user: Any) -> list[str]:
    """The statuses this user may move a record to from `current` (for the buttons a page shows)."""
    return [to for (frm, to) in table if frm == current and may(table, frm, to, user)]
