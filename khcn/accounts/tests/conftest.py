from __future__ import annotations

import pytest

from khcn import testing


@pytest.fixture
def superuser(db):
    return testing.make_user("quan_tri", is_superuser=True)
