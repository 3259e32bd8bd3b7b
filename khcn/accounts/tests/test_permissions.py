from __future__ import annotations

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.accounts.permissions import can_see_personal_data

pytestmark = pytest.mark.django_db


def test_personal_data_is_for_department_staff_and_the_superuser():
    assert can_see_personal_data(testing.make_user("cb", roles.SCIENCE_OFFICER))
    assert can_see_personal_data(testing.make_user("qt", is_superuser=True))
    assert not can_see_personal_data(testing.make_user("ubnd", roles.PROVINCIAL_LEADER))
    assert not can_see_personal_data(testing.make_user("khach"))
    both = testing.make_user("hai_vai", roles.SCIENCE_OFFICER, roles.PROVINCIAL_LEADER)
    assert not can_see_personal_data(both)
