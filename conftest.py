"""Fixtures for the whole suite: personas from khcn.testing."""

from __future__ import annotations

import pytest

from khcn import testing
from khcn.accounts import roles


@pytest.fixture
def org_a(db):
    return testing.make_organisation("Trung tâm Nghiên cứu nông nghiệp Hưng Yên (A)")


@pytest.fixture
def org_b(db):
    return testing.make_organisation("Công ty Cổ phần Giống cây trồng (B)")


@pytest.fixture
def science_officer(db):
    return testing.make_user("science_officer", roles.SCIENCE_OFFICER)


@pytest.fixture
def quality_officer(db):
    return testing.make_user("quality_officer", roles.QUALITY_OFFICER)


@pytest.fixture
def radiation_officer(db):
    return testing.make_user("radiation_officer", roles.RADIATION_OFFICER)


@pytest.fixture
def department_leader(db):
    return testing.make_user("department_leader", roles.DEPARTMENT_LEADER)


@pytest.fixture
def provincial_leader(db):
    return testing.make_user("provincial_leader", roles.PROVINCIAL_LEADER)


@pytest.fixture
def council_member(db):
    return testing.make_user("council_member", roles.COUNCIL_MEMBER)


@pytest.fixture
def host_user(db, org_a):
    return testing.make_user("host_user", roles.HOST_USER, organisation=org_a)


@pytest.fixture
def host_user_b(db, org_b):
    return testing.make_user("host_user_b", roles.HOST_USER, organisation=org_b)


@pytest.fixture
def outsider(db):
    """A logged-in user with no role at all (a member of the public with an account)."""
    return testing.make_user("outsider")
