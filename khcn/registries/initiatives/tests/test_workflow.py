"""The status table, walked pair by pair and role by role."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn import testing
from khcn.accounts import roles
from khcn.registries.initiatives import workflow
from khcn.registries.initiatives.models import Initiative

S = Initiative.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def users_by_role(db):
    return {code: testing.make_user(f"u_{code}", code) for code in [r.code for r in roles.ROLES]}


def test_every_pair_for_every_role(users_by_role):
    for (frm, to), (code, user) in itertools.product(itertools.product(S.values, S.values), users_by_role.items()):
        initiative = Initiative(status=frm)
        allowed = workflow.TRANSITIONS.get((frm, to))
        if allowed is None:
            with pytest.raises(ValidationError):
                workflow.check(initiative, to, user)
        elif code in allowed:
            workflow.check(initiative, to, user)
        else:
            with pytest.raises(PermissionDenied):
                workflow.check(initiative, to, user)


def test_the_table_leads_from_submission_to_recognition():
    assert workflow.allowed_targets(S.SUBMITTED) == [S.RECOMMENDED, S.NOT_RECOMMENDED, S.WITHDRAWN]
    assert workflow.allowed_targets(S.RECOMMENDED) == [S.RECOGNISED]
    assert workflow.allowed_targets(S.RECOGNISED) == []
