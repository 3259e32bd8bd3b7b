from __future__ import annotations

import pytest
from django.core.cache import cache

from khcn.public.tests.conftest import world  # noqa: F401 - shared fixture


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    # DRF keeps throttle history in the cache; each test starts with a clean slate.
    cache.clear()
