"""The status of an initiative moves only along this table, and only the roles it names move it.
The services add the guards that depend on the record: a council's computed result for
"recommended" and "not recommended", a recognition decision for "recognised" (services.py).
docs/workflow.md can draw it; tests/test_workflow.py walks every pair for every role.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.permissions import has_role
from khcn.registries.initiatives.models import Initiative

S = Initiative.Status
# The science management division runs the provincial initiative council's secretariat.
SCIENCE = frozenset({roles.SCIENCE_OFFICER})

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    # The provincial initiative council's recommendation (computed from its votes).
    (S.SUBMITTED, S.RECOMMENDED): SCIENCE,
    (S.SUBMITTED, S.NOT_RECOMMENDED): SCIENCE,
    # The province's recognition decision.
    (S.RECOMMENDED, S.RECOGNISED): SCIENCE,
    # The author takes the application back, or it goes before a later session again.
    (S.SUBMITTED, S.WITHDRAWN): SCIENCE,
    (S.NOT_RECOMMENDED, S.SUBMITTED): SCIENCE,
}


def allowed_targets(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def check(initiative: Initiative, to: str, by: Any) -> None:
    """Raise ValidationError for a move the table does not have, PermissionDenied for a role it
    does not allow."""
    allowed = TRANSITIONS.get((initiative.status, to))
    if allowed is None:
        raise ValidationError(
            _("Không thể chuyển sáng kiến từ “%(from)s” sang “%(to)s”.")
            % {"from": S(initiative.status).label, "to": S(to).label},
            code="transition",
        )
    if not (getattr(by, "is_active", False) and has_role(by, *allowed)):
        raise PermissionDenied(_("Chỉ Phòng Quản lý khoa học được đổi trạng thái hồ sơ sáng kiến."))
