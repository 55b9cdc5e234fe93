"""Shared test set-up. Reference files in ../shared/data are optional: tests that need them skip
with a printed reason where they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder shared/data is absent next to the checkout")
    return SHARED_DATA
