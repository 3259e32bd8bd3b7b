"""Fixtures for research tests; the builders live in builders.py (the browser journey uses them too)."""

from __future__ import annotations

from typing import Any

import pytest

from khcn.research.tests.builders import Builder


@pytest.fixture
def build(science_officer: Any) -> Builder:
    return Builder(science_officer)
