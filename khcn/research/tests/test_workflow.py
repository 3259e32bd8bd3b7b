"""The transition tables: every allowed and every forbidden (from, to) pair, for every role."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.accounts import roles
from khcn.research import workflow
from khcn.research.models import Adjustment, Application, Plan, ProgressReport, Proposal, Task
from khcn.testing import make_user

STATUSES = {
    "proposal": Proposal.Status.values,
    "plan": Plan.Status.values,
    "task": Task.Status.values,
    "application": Application.Status.values,
    "progress_report": ProgressReport.Status.values,
    "adjustment": Adjustment.Status.values,
}
ROLE_CODES = [role.code for role in roles.ROLES]
EXPECTED = {
    # The tables, restated: a change to workflow.py must be made here too, on purpose.
    "proposal": {
        ("submitted", "valid"): {"science_officer"},
        ("submitted", "invalid"): {"science_officer"},
        ("submitted", "duplicate"): {"science_officer"},
        ("submitted", "merged"): {"science_officer"},
        ("invalid", "valid"): {"science_officer"},
        ("valid", "duplicate"): {"science_officer"},
        ("valid", "merged"): {"science_officer"},
        ("submitted", "withdrawn"): {"host_user", "science_officer"},
        ("valid", "withdrawn"): {"host_user", "science_officer"},
        ("valid", "in_council"): {"science_officer"},
        ("in_council", "recommended"): {"science_officer"},
        ("in_council", "rejected"): {"science_officer"},
        ("recommended", "in_plan"): {"science_officer", "department_leader"},
        ("recommended", "rejected"): {"science_officer", "department_leader"},
    },
    "plan": {
        ("draft", "submitted"): {"science_officer"},
        ("submitted", "draft"): {"science_officer", "department_leader"},
        ("submitted", "approved"): {"science_officer", "department_leader"},
    },
    "task": {
        ("ordered", "calling"): {"science_officer"},
        ("no_winner", "calling"): {"science_officer"},
        ("calling", "selecting"): {"science_officer"},
        ("selecting", "selected"): {"science_officer"},
        ("selecting", "no_winner"): {"science_officer"},
        ("selected", "appraised"): {"science_officer"},
        ("appraised", "approved"): {"science_officer", "department_leader"},
        ("approved", "in_progress"): {"science_officer"},
        ("in_progress", "suspended"): {"science_officer", "department_leader"},
        ("suspended", "in_progress"): {"science_officer", "department_leader"},
        ("in_progress", "terminated"): {"department_leader"},
        ("suspended", "terminated"): {"department_leader"},
        ("in_progress", "awaiting_acceptance"): {"host_user", "science_officer"},
        ("awaiting_acceptance", "in_progress"): {"science_officer"},
        ("awaiting_acceptance", "accepted"): {"science_officer", "department_leader"},
        ("awaiting_acceptance", "failed"): {"science_officer", "department_leader"},
        ("accepted", "completed"): {"science_officer"},
        ("failed", "completed"): {"science_officer"},
        ("ordered", "cancelled"): {"science_officer", "department_leader"},
        ("calling", "cancelled"): {"science_officer", "department_leader"},
        ("no_winner", "cancelled"): {"science_officer", "department_leader"},
    },
    "application": {
        ("submitted", "valid"): {"science_officer"},
        ("submitted", "invalid"): {"science_officer"},
        ("submitted", "withdrawn"): {"host_user", "science_officer"},
        ("valid", "withdrawn"): {"host_user", "science_officer"},
        ("valid", "in_council"): {"science_officer"},
        ("in_council", "selected"): {"science_officer"},
        ("in_council", "not_selected"): {"science_officer"},
    },
    "progress_report": {
        ("submitted", "accepted"): {"science_officer"},
        ("submitted", "returned"): {"science_officer"},
        ("returned", "submitted"): {"host_user", "science_officer"},
    },
    "adjustment": {
        ("requested", "approved"): {"science_officer", "department_leader"},
        ("requested", "rejected"): {"science_officer", "department_leader"},
        ("requested", "withdrawn"): {"host_user", "science_officer"},
    },
}


class FakeUser:
    """Enough of a user for the table check: no database needed to walk thousands of pairs."""

    is_authenticated = True
    is_active = True

    def __init__(self, role: str | None, superuser: bool = False) -> None:
        self.role_codes = {role} if role else set()
        self.is_superuser = superuser


@pytest.mark.parametrize("entity", list(workflow.TABLES))
def test_the_table_is_exactly_the_one_documented(entity):
    table = workflow.TABLES[entity]
    assert {pair: set(allowed) for pair, allowed in table.items()} == EXPECTED[entity]
    for current, to in table:
        assert current in STATUSES[entity] and to in STATUSES[entity]


@pytest.mark.parametrize("entity", list(workflow.TABLES))
@pytest.mark.parametrize("role", [*ROLE_CODES, None])
def test_every_pair_for_every_role(entity, role):
    """Allowed pairs pass for the roles listed and raise PermissionDenied for all others; pairs
    not in the table raise ValidationError for everyone."""
    table = workflow.TABLES[entity]
    user = FakeUser(role)
    for current, to in itertools.product(STATUSES[entity], repeat=2):
        allowed = EXPECTED[entity].get((current, to))
        if allowed is None:
            with pytest.raises(ValidationError):
                workflow.check(table, current, to, user)
            assert not workflow.may(table, current, to, user)
        elif role in allowed:
            workflow.check(table, current, to, user)
            assert workflow.may(table, current, to, user)
        else:
            with pytest.raises(PermissionDenied):
                workflow.check(table, current, to, user)


@pytest.mark.parametrize("entity", list(workflow.TABLES))
def test_a_superuser_may_take_every_step_in_the_table_and_no_other(entity):
    table = workflow.TABLES[entity]
    admin = FakeUser(None, superuser=True)
    for current, to in itertools.product(STATUSES[entity], repeat=2):
        assert workflow.may(table, current, to, admin) == ((current, to) in table)


def test_the_provincial_leader_reads_only():
    leader = FakeUser(roles.PROVINCIAL_LEADER)
    for table in workflow.TABLES.values():
        assert not any(workflow.may(table, current, to, leader) for current, to in table)


def test_an_inactive_or_anonymous_user_may_not_move_anything():
    user = FakeUser(roles.SCIENCE_OFFICER)
    user.is_active = False
    assert not workflow.may(workflow.PROPOSAL_TRANSITIONS, "submitted", "valid", user)


def test_next_statuses_lists_what_the_user_may_do():
    officer = FakeUser(roles.SCIENCE_OFFICER)
    host = FakeUser(roles.HOST_USER)
    assert set(workflow.next_statuses(workflow.PROPOSAL_TRANSITIONS, "submitted", officer)) == {
        "valid",
        "invalid",
        "duplicate",
        "merged",
        "withdrawn",
    }
    assert workflow.next_statuses(workflow.PROPOSAL_TRANSITIONS, "submitted", host) == ["withdrawn"]


def test_docs_draw_every_transition():
    """docs/workflow.md draws each table: every pair appears as `from --> to: roles`."""
    text = (Path(__file__).resolve().parents[3] / "docs" / "workflow.md").read_text(encoding="utf-8")
    for entity, table in workflow.TABLES.items():
        for (current, to), allowed in table.items():
            pattern = rf"{current} --> {to}: {re.escape(', '.join(sorted(allowed)))}\n"
            assert re.search(pattern, text), f"{entity}: {current} --> {to} missing from docs/workflow.md"


@pytest.mark.django_db
def test_real_users_roles_drive_the_check(science_officer, provincial_leader):
    workflow.check(workflow.PLAN_TRANSITIONS, "draft", "submitted", science_officer)
    with pytest.raises(PermissionDenied):
        workflow.check(workflow.PLAN_TRANSITIONS, "draft", "submitted", provincial_leader)
    host = make_user("a_host", roles.HOST_USER)
    assert workflow.may(workflow.PROPOSAL_TRANSITIONS, "valid", "withdrawn", host)
