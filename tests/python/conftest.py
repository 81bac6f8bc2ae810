"""Shared fixtures for the parity pytest suite.

The suite runs against the installed package (``.venv/bin/python -m pytest tests/python``).
Model folders are read from the repository's ``params/``; tests that need a broken folder copy
one into ``tmp_path`` and edit a single file (the ``broken_folder`` fixture). Plain helpers
are in helpers.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from helpers import SICK_SICKER, SICK_SICKER_AGE, broken_copy

import parity


@pytest.fixture
def sick_sicker() -> parity.Model:
    """params/sick_sicker as shipped (corrected Simpson rule)."""
    return parity.load(SICK_SICKER)


@pytest.fixture
def sick_sicker_age() -> parity.Model:
    """params/sick_sicker_age as shipped (article weights, life table, transition rewards)."""
    return parity.load(SICK_SICKER_AGE)


@pytest.fixture(scope="session")
def sick_sicker_results() -> parity.Results:
    """One run of params/sick_sicker shared by tests that only read results."""
    return parity.load(SICK_SICKER).run()


@pytest.fixture(scope="session")
def sick_sicker_age_results() -> parity.Results:
    """One run of params/sick_sicker_age shared by tests that only read results."""
    return parity.load(SICK_SICKER_AGE).run()


@pytest.fixture
def broken_folder(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """``broken_folder(file, old, new)``: a copy of params/sick_sicker in tmp_path with the
    first ``old`` of ``file`` replaced by ``new``; returns the folder."""

    def make(file: str, old: str, new: str) -> Path:
        return broken_copy(SICK_SICKER, tmp_path / "broken_model", file, old, new)

    return make
